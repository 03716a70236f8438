// Do a project's expectations converge? A node:cluster server of the project's own (the kit's
// baseline copied in, accepting in the workers: SCHED_NONE) is started from `conform init
// --gateway fetch`; then `--repeat 3`, `conform expectations --update`, and two whole runs, which
// must both exit 0: the README's loop, as a user follows it.
// - test/pack-install.ts (a stage of `npm test`) runs it once in the project that installed the
//   tarball;
// - `npm run test:converge [ATTEMPTS]` runs it ATTEMPTS times (default 3) with the kit of this
//   checkout, each in a fresh directory, and exits 1 if any did not converge. The baseline server
//   has rare faults of its own (a connection refused while a killed worker is replaced), which
//   the kit rightly reports: by hand, many attempts tell the kit's part from the server's.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { KIT_DIR } from '../conformance/manifest.ts';

type Conform = (...args: string[]) => { code: number; out: string };

/** The loop in `project` under the name `target`; `baseline` is the node:cluster server to copy. */
export function convergeOnce(project: string, conform: Conform, baseline: string, target = 'my-cluster'): { ok: boolean; summary: string; detail: string } {
  const init = conform('init', '--gateway', 'fetch', target);
  if (init.code !== 0) return { ok: false, summary: `init exit ${init.code}`, detail: init.out };
  const dir = path.join(project, target);
  fs.copyFileSync(baseline, path.join(dir, 'server.mjs'));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'conform.json'), 'utf8'));
  manifest.command = ['node', '{targetDir}/server.mjs', '--bind', '{host}:{port}', '--workers', '{workers}', '--keep-alive', '{keepalive}', '--graceful-timeout', '{gracefulTimeout}', '{app}'];
  manifest.classes = { async: 'async' };
  manifest.env = { NODE_CLUSTER_SCHED_POLICY: 'none' };
  fs.writeFileSync(path.join(dir, 'conform.json'), JSON.stringify(manifest, null, 2));
  const report = path.join(target, 'report.json');
  const repeated = conform('--target', target, '--driver', 'process', '--repeat', '3', '--report-json', report);
  const updated = conform('expectations', '--update', '--from', report);
  const after = [1, 2].map(() => conform('--target', target, '--driver', 'process'));
  const ok = repeated.code !== 2 && updated.code === 0 && after.every((r) => r.code === 0);
  const summary = `--repeat 3 exit ${repeated.code}, expectations --update exit ${updated.code}, then ${after.map((r) => `exit ${r.code}`).join(', ')}`;
  const broke = [repeated.code === 2 ? repeated : undefined, updated.code !== 0 ? updated : undefined, ...after.filter((r) => r.code !== 0)];
  const detail = broke
    .filter((r) => r !== undefined)
    .map((r) => (r.out.split('Needs attention:')[1] ?? r.out.slice(-2000)).split('\n').slice(0, 8).join('\n'))
    .join('\n');
  return { ok, summary, detail };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const attempts = Number(process.argv[2] ?? 3);
  let failed = 0;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'conform-converge-'));
    try {
      fs.writeFileSync(path.join(project, 'package.json'), '{"name": "p", "version": "1.0.0", "private": true}\n');
      const conform: Conform = (...args) => {
        const r = spawnSync(process.execPath, [path.join(KIT_DIR, 'bin', 'conform.js'), ...args], { cwd: project, encoding: 'utf8', maxBuffer: 1 << 26 });
        return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
      };
      const result = convergeOnce(project, conform, path.join(KIT_DIR, 'fixtures', 'servers', 'node-cluster', 'server.mjs'));
      console.log(`attempt ${attempt}: ${result.summary}: ${result.ok ? 'converged' : 'NOT converged'}`);
      if (!result.ok) {
        failed++;
        console.log(result.detail);
      }
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  }
  console.log(`${attempts - failed} of ${attempts} attempts converged`);
  process.exitCode = failed === 0 ? 0 : 1;
}
