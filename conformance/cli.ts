// `conform`: argv -> options -> run -> reports -> one exit code (0 as expected, 1 unexpected
// results, 2 the harness could not do its job).
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SPEC_VERSION } from '../spec/version.ts';
import { HarnessError, PROFILES } from '../spec/harness/types.ts';
import { caseCatalog, caseInfo, casesCiting, groupCatalog, SPEC_CLASSES, type CaseInfo } from './catalog.ts';
import { checkTarget } from './commands/check.ts';
import { diffReports } from './commands/diff.ts';
import { writeDocs } from './commands/docs.ts';
import { updateExpectationsFile } from './commands/expectations.ts';
import { initTarget, shippedTargets, STARTERS } from './commands/init.ts';
import { runMatrix } from './commands/matrix.ts';
import { buildReport } from './commands/report.ts';
import { KIT_DIR, loadTarget, ManifestError } from './manifest.ts';
import { checkLevelsAndLayers, ofLevelsAndLayers, planText } from './plan.ts';
import { KIT, mergeRuns, prepareOutput, readRuns, ReportError } from './report/document.ts';
import { DEFAULT_JOBS } from './run.ts';
import { runSession, sessionPlan } from './session.ts';
import { DRIVERS, driverNames } from './drivers/registry.ts';

const positiveNumber = (value: string) => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('expected a number > 0');
  return n;
};
const positiveInteger = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return n;
};
const integer = (value: string) => {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number (the seed a run printed)');
  return Number.parseInt(value, 10);
};
const list = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

function listCases(opts: { level?: string[]; layer?: string[]; ref?: string[] }): number {
  checkLevelsAndLayers(opts);
  const citing = opts.ref?.map((q) => casesCiting(q));
  const cases = caseCatalog().filter((c) => ofLevelsAndLayers(c, opts.level, opts.layer) && (!citing || citing.some((ids) => ids.has(c.id))));
  if (opts.ref && cases.length === 0) {
    console.error(`conform: no case cites ${opts.ref.join(' or ')} (keys look like rfc9112#6.3, pep3333#environ-variables, asgi-www, gunicorn-docs#settings/timeout, gunicorn:arbiter.py; \`conform explain ID\` shows a case's references)`);
    return 2;
  }
  const groups = groupCatalog().filter((g) => cases.some((c) => c.group === g.name));
  for (const group of groups) {
    console.log(`${group.name}: ${group.summary}`);
    for (const c of cases.filter((x) => x.group === group.name)) {
      // Classes are shown only where a case is not for every class.
      console.log(`  ${c.id.padEnd(48)} ${c.level.padEnd(6)} ${c.layer.padEnd(8)} ${c.classes.length < SPEC_CLASSES.length ? `[${c.classes.join(',')}] ` : ''}${c.requirement}`);
    }
  }
  const layers = [...new Set(cases.map((c) => c.layer))].map((l) => `${cases.filter((c) => c.layer === l).length} ${l}`);
  console.log(`\n${cases.length} cases in ${groups.length} groups (spec version ${SPEC_VERSION}): ${layers.join(', ')}; layers and profiles: spec/README.md`);
  return 0;
}

/** A case's declared settings as the manifest's placeholders name them, or what it runs on instead. */
function serverWords(server: CaseInfo['server']): string {
  const { env = {}, ...settings } = server;
  const words = [...Object.entries(settings).map(([name, value]) => `{${name}} ${value}`), ...Object.entries(env).map(([name, value]) => `${name}=${value}`)];
  return words.length ? `${words.join(', ')} (the kit's defaults otherwise; a target's settings bounds may move them)` : "the kit's defaults, or a server shared with other cases";
}

function explain(id: string): number {
  const c = caseInfo(id);
  if (c) {
    const group = groupCatalog().find((g) => g.name === c.group);
    console.log(
      [
        `${c.id}  (${c.level})`,
        `  requirement:  ${c.requirement}`,
        `  references:   ${c.refs.map((r) => `${r.text}${r.url ? `\n                  ${r.url}` : ''}`).join('\n                ')}`,
        `  layer:        ${c.layer === 'model' ? 'model (any pre-fork server)' : `profile ${c.layer} (${c.layer === 'gunicorn' ? 'targets that claim it in "profiles"' : `targets whose "gateway" is ${c.layer}`})`}`,
        `  classes:      ${c.classes.join(', ')}`,
        `  needs:        ${[...c.needs, ...c.operations.map((o) => `operations.${o}`), ...c.limits.map((l) => `limits.${l}`), ...c.settings.map((s) => `{${s}}`)].join(', ') || 'nothing beyond the probe app'}`,
        `  server:       ${serverWords(c.server)}`,
        `  group:        ${c.group}: ${group?.summary ?? ''}`,
        `  check:        ${c.location}`,
      ].join('\n'),
    );
    return 0;
  }
  const near = caseCatalog().map((x) => x.id).filter((x) => x.includes(id.split('.').pop() ?? id));
  console.error(`conform: no case with id ${id}${near.length ? `; did you mean ${near.slice(0, 5).join(', ')}?` : ''}`);
  return 2;
}

/** Options every suite run takes, whether of one target or of a matrix. */
function runOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--driver <name>', `${DRIVERS.map((d) => `${d.name}: ${d.help}`).join('; ')}; auto: the first of ${driverNames().join(', ')} that can run here`)
        .choices(['auto', ...driverNames()])
        .default('auto'),
    )
    .option('--class <labels>', 'classes to run, comma-separated (default: sync, gthread, async as the target declares them; extra classes such as eventlet by name)', list)
    .option('--only <globs>', 'run only case ids matching these globs, e.g. "lifecycle.*,http.keepalive"', list)
    .option('--skip <globs>', 'skip case ids matching these globs', list)
    .option('--level <levels>', 'only cases of these levels: MUST, SHOULD', list)
    .option('--layer <layers>', `only cases of these layers: model, ${PROFILES.join(', ')}`, list)
    .option('--fail-fast', 'start no more cases after the first result that fails the run (cases already running finish)')
    .option('--label <text>', "a name for this run beside the target's, in every report and on the matrix page (a commit, a machine, a Node version): runs of one target with different labels are never merged")
    .option('--shard <i/n>', 'run only the i-th of n stable parts of the plan (a CI matrix splits one suite; conform report merges the parts)')
    .option('--timeout-multiplier <n>', 'scale every time bound (slow machines: 2)', positiveNumber, Number(process.env.CONFORM_TIMEOUT_MULTIPLIER ?? 1))
    .option('--seed <n>', 'seed for property tests (printed on every run; reuse it to replay)', integer)
    .option('--repeat <n>', 'run everything n times and report verdicts that changed (each round with a seed of its own, unless --seed is given)', positiveInteger, 1)
    .option('--jobs <n>', 'cases run at once (a case that needs a quiet machine takes several slots or all)', positiveInteger, DEFAULT_JOBS)
    .option('--strict', 'a missed SHOULD (warn) also fails the run')
    .option('--accept-spec-version', "run even if the manifest's specVersion differs from the kit's");
}

const EXIT_CODES = [
  '',
  'Exit codes:',
  '  0  every result as expected',
  '  1  unexpected results: a fail, an unexpected pass, or a verdict that changed under --repeat',
  '  2  the kit could not do its job: bad manifest, target never ready, error verdicts',
].join('\n');

export async function main(argv: string[]): Promise<number> {
  // A subcommand's action leaves its work here; it runs after parsing, so errors map to exit codes.
  let work: (() => Promise<number> | number) | undefined;
  const program = new Command('conform')
    .description('Checks a pre-fork HTTP server (gunicorn-style) against the executable spec.')
    // After the options, unwrapped: commander re-wraps a description and broke these lines.
    .addHelpText('after', EXIT_CODES)
    .version(`${KIT.version} (spec ${SPEC_VERSION})`)
    // Root options only before a subcommand: `matrix --target` is matrix's own.
    .enablePositionalOptions()
    .option('-t, --target <dir>', 'target directory holding conform.json (default: the reference server, fixtures/targets/reference)')
    .option('--url <host:port>', "judge a server already running the probe app there, which the kit neither starts nor stops: the cases that only read it run (most of http and gateway), the others are unsupported; the manifest still says the gateway, profiles and limits")
    .option('--list', 'list every case of the spec (id, level, classes, requirement) and exit; with --target, the plan: each (case, class) the run would execute')
    .option('--ref <keys>', 'with --list: only the cases that cite these references, e.g. rfc9112#6.3, pep3333, asgi-lifespan, gunicorn-docs#settings/timeout (conform explain ID shows a case\'s)', list)
    .option('--report-json <file>', 'write the JSON report here (its directory is created)')
    .option('--junit <file>', 'write a JUnit XML report here (its directory is created)')
    .option('--baseline <report.json>', 'compare with a saved report: exit 1 only for what got worse (a CI gate before zero failures)');
  runOptions(program)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  conform init --gateway wsgi ./my-server   # a starter target (or fetch, asgi)\n' +
        '  conform --target ./my-server --driver process\n' +
        '  conform --target ./my-server --driver container   # each server in its own container\n' +
        '  conform --target ./my-server --repeat 3 --report-json r.json && conform expectations --update --from r.json\n' +
        '  conform --target ./my-server --class sync --only "lifecycle.*" --report-json out.json\n' +
        '  conform --target ./my-server --baseline last-release.json        # fail only on regressions\n' +
        '  conform matrix -t ./my-server -t ./my-server-threads --html matrix.html\n' +
        '  conform diff old.json new.json\n' +
        '  conform explain lifecycle.heartbeat-timeout\n' +
        '\nStatuses: pass; fail (MUST violated); warn (SHOULD missed); xfail/xpass (listed in the\n' +
        "target's expectations file: missed as listed / passed anyway); unsupported (not claimed by the\n" +
        'target); error (the kit could not run it). Exit 1: fail, xpass of a MUST; with --strict also\n' +
        'warn and xpass of a SHOULD. Exit 2: errors, bad input.\n' +
        'With GITHUB_ACTIONS=true a run also prints workflow annotations and appends a summary to $GITHUB_STEP_SUMMARY.',
    )
    .exitOverride();
  program.action(() => {
    const opts = program.opts();
    if (opts.ref && !(opts.list && !opts.target)) program.error('error: --ref goes with --list (and no --target): it lists the cases that cite a reference');
    if (opts.list && !opts.target) return void (work = () => listCases(opts));
    if (opts.list) return void (work = () => (console.log(planText(sessionPlan(loadTarget(opts.target), opts))), 0));
    // The embedded default: the reference server, which needs nothing but Node.
    opts.target ??= path.join(KIT_DIR, 'fixtures', 'targets', 'reference');
    if (opts.reportJson) prepareOutput(opts.reportJson, '--report-json');
    if (opts.junit) prepareOutput(opts.junit, '--junit');
    const baseline = opts.baseline ? { file: opts.baseline, runs: mergeRuns(readRuns(opts.baseline)).runs } : undefined;
    work = async () => (await runSession({ ...(opts as Parameters<typeof runSession>[0]), baseline })).code;
  });
  program
    .command('explain <id>')
    .description('print one case: requirement, level, source, classes, where it is defined')
    .action((id: string) => void (work = () => explain(id)));
  runOptions(
    program
      .command('matrix')
      .description('run several targets and write one JSON and one self-contained HTML page (rows: cases; columns: target x class)')
      .requiredOption('-t, --target <dir>', 'a target directory; repeat for each target', (v: string, prev: string[] = []) => [...prev, v])
      .option('--html <file>', 'write the matrix page here')
      .option('--report-json <file>', 'write the matrix JSON here (conform report and conform diff read it)'),
  )
    .exitOverride()
    .action(function (this: Command) {
      const opts = this.opts();
      if (!opts.html && !opts.reportJson) throw new ReportError('conform matrix: say what to write: --html FILE and/or --report-json FILE');
      if (opts.html) prepareOutput(opts.html, '--html');
      if (opts.reportJson) prepareOutput(opts.reportJson, '--report-json');
      work = () => runMatrix({ ...(opts as Parameters<typeof runMatrix>[0]), targets: opts.target });
    });
  program
    .command('report <reports...>')
    .description('build the matrix page, JSON and JUnit from saved reports (runs, shards or matrices); runs of one target, version and driver merge; exits as the merged runs would')
    .option('--html <file>', 'write the matrix page here')
    .option('--report-json <file>', 'write the merged matrix JSON here')
    .option('--junit <file>', 'write JUnit XML of every merged run here')
    .option('--strict', 'a missed SHOULD (warn) also fails the merged runs')
    .exitOverride()
    .action(function (this: Command, files: string[]) {
      const opts = this.opts();
      for (const [file, option] of [[opts.html, '--html'], [opts.reportJson, '--report-json'], [opts.junit, '--junit']] as const) if (file) prepareOutput(file, option);
      work = () => buildReport(files, opts);
    });
  program
    .command('docs')
    .description('write the specification as a static site: an index by group and by reference, a page per case with its references and its check; with --report, each target\'s verdicts')
    .requiredOption('--out <dir>', 'the directory to write (index.html and a page per case)')
    .option('--report <file>', 'a saved report (run, shard or matrix) whose verdicts the pages show; repeatable', (v: string, prev: string[] = []) => [...prev, v])
    .exitOverride()
    .action(function (this: Command) {
      const opts = this.opts();
      work = () => writeDocs({ out: opts.out, report: opts.report });
    });
  program
    .command('diff <old> <new>')
    .description('what got worse, fixed, changed, added or removed between two reports; exit 1 when something got worse')
    .exitOverride()
    .action((oldFile: string, newFile: string) => void (work = () => diffReports(oldFile, newFile)));
  program
    .command('check [dir]')
    .description('validate a target (dir: default .) without starting anything: its layers, operations, limits, and what of the plan is unsupported and why')
    .exitOverride()
    .action((dir: string | undefined) => void (work = () => checkTarget(dir ?? '.')));
  program
    .command('init [dir]')
    .description('start a target (dir: default .): from a gateway\'s starter (conform.json, a copy of its probe app, an empty expectations.json) or from a server the kit ships a target for (its manifest and reviewed expectations)')
    .addOption(new Option('--gateway <name>', 'a starter: the probe to copy').choices(Object.keys(STARTERS)).conflicts('from'))
    .addOption(new Option('--from <server>', 'a shipped target to copy').choices(shippedTargets()))
    .option('--force', 'overwrite an existing conform.json')
    .exitOverride()
    .action(function (this: Command, dir: string | undefined) {
      const opts = this.opts();
      work = () => initTarget({ dir: dir ?? '.', gateway: opts.gateway, from: opts.from, force: opts.force });
    });
  program
    .command('expectations')
    .description("bring a target's expectations file in line with a run: new misses added (marked unreviewed), passing and stale entries removed, flips under --repeat marked intermittent")
    .requiredOption('--update', 'write the file (the only action so far; say it so the command never writes by surprise)')
    .requiredOption('--from <report.json>', 'a report written by --report-json')
    .option('-t, --target <dir>', 'the target directory (default: the one the report names)')
    .option('--dry-run', 'print the changes, write nothing')
    .exitOverride()
    .action(function (this: Command) {
      const opts = this.opts();
      work = () => updateExpectationsFile({ from: opts.from, target: opts.target, dryRun: opts.dryRun });
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return work ? await work() : 0;
  } catch (error) {
    if (error instanceof ManifestError || error instanceof HarnessError || error instanceof ReportError) {
      console.error(`conform: ${error.message}`);
      return 2;
    }
    const code = (error as { exitCode?: number; code?: string }).exitCode;
    if (code !== undefined && String((error as { code?: string }).code ?? '').startsWith('commander.')) return code === 0 ? 0 : 2;
    throw error;
  }
}
