// The last stage of `npm test`: the kit against every shipped target.
//   engine present: `conform matrix` of reference + gunicorn in containers
//   no engine:      the same as processes (CI=true refuses this)
//   always:         `conform matrix` of the field (Unicorn, Puma, uWSGI, Passenger, the ASGI
//                   servers, the node:cluster baseline, pm2) as processes, and gunicorn's eventlet
//                   and tornado classes: each must exit 0 with its expectations
// Then `conform report` merges every report into reports/matrix.json and reports/matrix.html; no
// container of the kit may be left in the engine, and no probe process on the host. Prints the wall
// time of every run.
// With --core (`npm run test:core`, CI's second Node): reference + gunicorn only, into
// reports/core-node<major>/, so that the first Node's reports stay.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { engine, engineAnswers, KIT_LABEL } from '../conformance/drivers/engine.ts';
import { KIT_DIR } from '../conformance/manifest.ts';
import { readRuns } from '../conformance/report/document.ts';

const SEED = process.env.CONFORM_SEED ?? '1569429623';
/** The field's targets (fixtures/targets/<name>): servers from Debian's packages, and the Node baseline. */
const FIELD = ['unicorn', 'puma', 'uwsgi', 'passenger', 'uvicorn', 'gunicorn-uvicorn', 'hypercorn', 'node-cluster', 'pm2'];
/**
 * gunicorn's worker classes beyond sync, gthread and gevent that CI runs (the target's
 * extraClasses), whole. (eventlet's lifecycle.model was left out while it ran beside other cases:
 * about one run in eight, a fresh eventlet worker, still booting under their load, missed its
 * heartbeat and never loaded. The case runs alone now.)
 */
const EXTRA_CLASSES = ['eventlet', 'tornado'];
const ci = process.env.CI === 'true';
const core = process.argv.includes('--core');
/** Kept after the run (git-ignored): the reports, the merged matrix JSON and its page. */
const REPORTS = path.join(KIT_DIR, 'reports', ...(core ? [`core-node${process.versions.node.split('.')[0]}`] : []));

interface Invocation {
  what: string;
  args: string[];
  code?: number;
  wallS?: number;
}

function conform(args: string[]): Promise<number> {
  console.log(`\n== conform ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/conform.js', ...args], { cwd: KIT_DIR, stdio: 'inherit' });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Host processes still running the probe apps: workers a killed master left behind. */
function strayProbes(): string[] {
  const stray: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes('fixtures/probe') && Number(pid) !== process.pid) stray.push(`${pid}: ${cmdline.slice(0, 160)}`);
    } catch {
      // gone meanwhile
    }
  }
  return stray;
}

async function main(): Promise<number> {
  const hasEngine = await engineAnswers();
  if (!hasEngine && ci) {
    console.error('conform-targets: CI=true but no Docker engine answers; .ci/run starts dockerd before the tests');
    return 2;
  }
  fs.rmSync(REPORTS, { recursive: true, force: true });
  const at = (name: string) => path.join(REPORTS, name);
  // The Node each run is on names it in every report (CI runs the core targets on two).
  const common = ['--seed', SEED, '--label', `node${process.versions.node.split('.')[0]}`];
  const targets = ['-t', 'fixtures/targets/reference', '-t', 'fixtures/targets/gunicorn'];
  // The field's servers run from Debian's packages on the host: the process driver is enough.
  const field = FIELD.flatMap((name) => ['-t', `fixtures/targets/${name}`]);
  const node = `Node ${process.version}`;
  const invocations: Invocation[] = [
    hasEngine
      ? { what: `matrix: reference + gunicorn, container driver, ${node}`, args: ['matrix', ...targets, '--driver', 'container', ...common, '--report-json', at('matrix-container.json')] }
      : { what: `matrix: reference + gunicorn, process driver, ${node}`, args: ['matrix', ...targets, '--driver', 'process', ...common, '--report-json', at('matrix-process.json')] },
    ...(core
      ? []
      : [
          { what: `matrix: ${FIELD.join(', ')}, process driver, ${node}`, args: ['matrix', ...field, '--driver', 'process', ...common, '--report-json', at('matrix-field.json')] },
          // gunicorn's extra classes, by name (--class runs them; the manifest's classes do not).
          ...EXTRA_CLASSES.map((label) => ({
            what: `gunicorn --class ${label}, process driver, ${node}`,
            args: ['--target', 'fixtures/targets/gunicorn', '--class', label, '--driver', 'process', ...common, '--report-json', at(`gunicorn-${label}.json`)],
          })),
        ]),
  ];
  if (!hasEngine) console.log('conform-targets: no Docker engine answers: the container runs are skipped (CI runs them)');
  for (const invocation of invocations) {
    const started = Date.now();
    invocation.code = await conform(invocation.args);
    invocation.wallS = (Date.now() - started) / 1000;
  }
  const reports = fs.existsSync(REPORTS) ? fs.readdirSync(REPORTS).filter((f) => f.endsWith('.json')).map(at) : [];
  const merged = await conform(['report', ...reports, '--html', at('matrix.html'), '--report-json', at('matrix.json')]);

  const problems: string[] = [];
  console.log('\nconform-targets: wall time per invocation and per run');
  for (const invocation of invocations) {
    console.log(`  exit ${invocation.code}  ${invocation.wallS!.toFixed(1)} s  ${invocation.what}`);
    if (invocation.code !== 0) problems.push(`${invocation.what} exited ${invocation.code}`);
  }
  if (merged !== 0) problems.push(`conform report exited ${merged}`);
  const runs = fs.existsSync(at('matrix.json')) ? readRuns(at('matrix.json')) : [];
  for (const run of runs) console.log(`  ${run.target.name.padEnd(22)} ${run.target.driver.padEnd(10)} ${(run.wallMs / 1000).toFixed(1)} s, ${run.results.length} results`);
  if (hasEngine) {
    const client = await engine();
    const left = await client.container.dockerode.listContainers({ all: true, filters: { label: [KIT_LABEL] } });
    console.log(`  containers of the kit left in the engine: ${left.length}`);
    if (left.length > 0) problems.push(`containers left: ${left.map((c) => c.Id.slice(0, 12)).join(' ')}`);
  }
  const stray = strayProbes();
  console.log(`  probe processes left on the host: ${stray.length}`);
  problems.push(...stray.map((s) => `stray process ${s}`));
  console.log(`  the matrix of every run: ${at('matrix.html')}`);
  for (const p of problems) console.error(`conform-targets: ${p}`);
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = await main();
