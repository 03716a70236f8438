// `npm run test:converge [ATTEMPTS]`: do a project's expectations converge? In a fresh directory,
// a node:cluster server of the project's own (the kit's baseline copied in, accepting in the
// workers: SCHED_NONE) is started from `conform init --gateway fetch`; then `--repeat 3`,
// `conform expectations --update`, and two whole runs, which must both exit 0. Repeated ATTEMPTS
// times (default 3); exit 1 if any attempt did not converge, with the results that broke it.
// Not a stage of `npm test`: the baseline server has rare faults of its own (a run in about five
// saw a connection refused while a killed worker was replaced), which the kit rightly reports
// and no bounded loop of runs can settle; this measures the kit's part, by hand.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KIT_DIR } from '../conformance/manifest.ts';

const attempts = Number(process.argv[2] ?? 3);
const conform = (cwd: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [path.join(KIT_DIR, 'bin', 'conform.js'), ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
};

let failed = 0;
for (let attempt = 1; attempt <= attempts; attempt++) {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'conform-converge-'));
  try {
    fs.writeFileSync(path.join(project, 'package.json'), '{"name": "p", "version": "1.0.0", "private": true}\n');
    const init = conform(project, 'init', '--gateway', 'fetch', 'my-cluster');
    if (init.code !== 0) throw new Error(`init: ${init.out}`);
    const target = path.join(project, 'my-cluster');
    fs.copyFileSync(path.join(KIT_DIR, 'fixtures', 'servers', 'node-cluster', 'server.mjs'), path.join(target, 'server.mjs'));
    const manifest = JSON.parse(fs.readFileSync(path.join(target, 'conform.json'), 'utf8'));
    manifest.command = ['node', '{targetDir}/server.mjs', '--bind', '{host}:{port}', '--workers', '{workers}', '--keep-alive', '{keepalive}', '--graceful-timeout', '{gracefulTimeout}', '{app}'];
    manifest.classes = { async: 'async' };
    manifest.env = { NODE_CLUSTER_SCHED_POLICY: 'none' };
    fs.writeFileSync(path.join(target, 'conform.json'), JSON.stringify(manifest, null, 2));
    const repeated = conform(project, '--target', 'my-cluster', '--driver', 'process', '--repeat', '3', '--report-json', 'my-cluster/report.json');
    const updated = conform(project, 'expectations', '--update', '--from', 'my-cluster/report.json');
    const after = [1, 2].map(() => conform(project, '--target', 'my-cluster', '--driver', 'process'));
    const ok = repeated.code !== 2 && updated.code === 0 && after.every((r) => r.code === 0);
    console.log(`attempt ${attempt}: --repeat 3 exit ${repeated.code}, update exit ${updated.code}, then ${after.map((r) => `exit ${r.code}`).join(', ')}: ${ok ? 'converged' : 'NOT converged'}`);
    if (!ok) {
      failed++;
      for (const r of after.filter((x) => x.code !== 0)) console.log((r.out.split('Needs attention:')[1] ?? r.out.slice(-2000)).split('\n').slice(0, 8).join('\n'));
    }
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
}
console.log(`${attempts - failed} of ${attempts} attempts converged`);
process.exitCode = failed === 0 ? 0 : 1;
