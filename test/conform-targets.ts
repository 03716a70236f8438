// The last stage of `npm test`: the kit against both targets, with every driver this machine has.
//   engine present: reference/process, reference/container, gunicorn/container
//   no engine:      reference/process, gunicorn/process   (CI=true refuses this: CI has an engine)
// Then: the reference's verdicts must be the same under both drivers, no container of the kit may
// be left in the engine, and no probe process on the host. Prints the wall time of every run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engine, engineAnswers, KIT_LABEL } from '../conformance/drivers/engine.ts';
import { KIT_DIR } from '../conformance/manifest.ts';

const SEED = process.env.CONFORM_SEED ?? '1569429623';
const ci = process.env.CI === 'true';

interface Run {
  target: 'reference' | 'gunicorn';
  driver: 'process' | 'container';
  code?: number;
  wallS?: number;
  report: string;
}

function conform(run: Run): Promise<number> {
  const args = ['bin/conform.js', '--target', `fixtures/targets/${run.target}`, '--driver', run.driver, '--seed', SEED, '--report-json', run.report];
  console.log(`\n== conform ${args.slice(1).join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: KIT_DIR, stdio: 'inherit' });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function verdicts(report: string): Map<string, string> {
  const results: Array<{ id: string; class: string; status: string }> = JSON.parse(fs.readFileSync(report, 'utf8')).results;
  return new Map(results.map((r) => [`${r.id} [${r.class}]`, r.status]));
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
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conform-targets-'));
  const plan: Array<Pick<Run, 'target' | 'driver'>> = hasEngine
    ? [{ target: 'reference', driver: 'process' }, { target: 'reference', driver: 'container' }, { target: 'gunicorn', driver: 'container' }]
    : [{ target: 'reference', driver: 'process' }, { target: 'gunicorn', driver: 'process' }];
  if (!hasEngine) console.log('conform-targets: no Docker engine answers: the container runs are skipped (CI runs them)');
  const runs: Run[] = plan.map((p) => ({ ...p, report: path.join(dir, `${p.target}-${p.driver}.json`) }));
  for (const run of runs) {
    const started = Date.now();
    run.code = await conform(run);
    run.wallS = (Date.now() - started) / 1000;
  }

  const problems: string[] = [];
  console.log('\nconform-targets: wall time per target and driver');
  for (const run of runs) {
    console.log(`  ${run.target.padEnd(10)} ${run.driver.padEnd(10)} exit ${run.code}  ${run.wallS!.toFixed(1)} s`);
    if (run.code !== 0) problems.push(`${run.target}/${run.driver} exited ${run.code}`);
  }
  const [processRun, containerRun] = [runs.find((r) => r.target === 'reference' && r.driver === 'process'), runs.find((r) => r.target === 'reference' && r.driver === 'container')];
  if (processRun && containerRun && fs.existsSync(processRun.report) && fs.existsSync(containerRun.report)) {
    const [a, b] = [verdicts(processRun.report), verdicts(containerRun.report)];
    const differ = [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k));
    for (const k of differ) problems.push(`reference ${k}: process ${a.get(k)}, container ${b.get(k)}`);
    console.log(`  reference verdicts, process vs container: ${differ.length === 0 ? `identical (${a.size} results)` : `${differ.length} differ`}`);
  }
  if (hasEngine) {
    const client = await engine();
    const left = await client.container.dockerode.listContainers({ all: true, filters: { label: [KIT_LABEL] } });
    console.log(`  containers of the kit left in the engine: ${left.length}`);
    if (left.length > 0) problems.push(`containers left: ${left.map((c) => c.Id.slice(0, 12)).join(' ')}`);
  }
  const stray = strayProbes();
  console.log(`  probe processes left on the host: ${stray.length}`);
  problems.push(...stray.map((s) => `stray process ${s}`));
  fs.rmSync(dir, { recursive: true, force: true });
  for (const p of problems) console.error(`conform-targets: ${p}`);
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = await main();
