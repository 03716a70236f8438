// A stage of `npm test`: the kit as another repository gets it. `npm pack`, then in a fresh project
// outside the kit's tree: `npm i -D <tarball>` (the README's install line, with the tarball for
// the registry name), `npx conform --version`, `npx prefork --help`, `npx conform init --gateway
// fetch my-server`, and a run of `npx conform` against that server (the kit's prefork serving a
// copy of the kit's fetch probe) with the process driver to a report; `init --from unicorn` and
// `--from gunicorn` with runs of Debian's servers (every case of gunicorn's sync class), and the
// expectations loop on a node:cluster server of the project's own (test/converge.ts). Prints
// the tarball's size and file count and the installed size. testcontainers is an optional peer:
// without it, the container driver says what to install.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KIT_DIR } from '../conformance/manifest.ts';
import { convergeOnce } from './converge.ts';

const problems: string[] = [];
const expect = (ok: boolean, what: string) => {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) problems.push(what);
};

function run(command: string, args: string[], cwd: string): { code: number; out: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, GITHUB_ACTIONS: '' }, maxBuffer: 1 << 26 });
  return { code: result.status ?? 1, out: `${result.stdout}${result.stderr}` };
}

const megabytes = (dir: string) => Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]) / 1024;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'conform-pack-'));
console.log(`pack-install: in ${work}`);
const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: KIT_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }))[0];
const tarball = path.join(work, packed.filename);
const version = JSON.parse(fs.readFileSync(path.join(KIT_DIR, 'package.json'), 'utf8')).version;
console.log(`  tarball ${packed.filename}: ${(packed.size / 1024).toFixed(0)} kB packed, ${(packed.unpackedSize / 1024).toFixed(0)} kB unpacked, ${packed.entryCount} files`);
const files: string[] = packed.files.map((f: { path: string }) => f.path);
expect(files.includes('dist/reference/cli.js'), 'the tarball holds the built server (dist/reference)');
expect(files.includes('action.yml'), 'the tarball holds the GitHub Action (uses: ./node_modules/prefork-conformance-kit)');
expect(!files.some((f) => /^(test|bench|\.ci|fixtures\/mutants)\//.test(f)), 'the tarball holds no tests, bench, CI scripts or mutants');

const project = path.join(work, 'my-project');
fs.mkdirSync(project);
fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-project', version: '1.0.0', private: true }, null, 2));
const install = run('npm', ['i', '-D', '--no-audit', '--no-fund', tarball], project);
expect(install.code === 0, `npm i -D ${packed.filename} in a fresh project${install.code === 0 ? '' : `:\n${install.out}`}`);
// npm 11 asks users to approve every install-time script: the kit's own must not be one of them.
const installedScripts = Object.keys(JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'prefork-conformance-kit', 'package.json'), 'utf8')).scripts ?? {});
const atInstall = installedScripts.filter((s) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(s));
expect(atInstall.length === 0, `the installed package runs no script of its own at install${atInstall.length ? ` (it has ${atInstall.join(', ')})` : ''}`);
console.log(`  installed node_modules: ${megabytes(path.join(project, 'node_modules')).toFixed(0)} MB (testcontainers, an optional peer, not installed: ${!fs.existsSync(path.join(project, 'node_modules', 'testcontainers'))})`);

const npx = (...args: string[]) => run('npx', ['--no-install', ...args], project);
const versionLine = npx('conform', '--version');
expect(versionLine.code === 0 && versionLine.out.startsWith(version), `npx conform --version says ${version} (${versionLine.out.trim()})`);
const help = npx('prefork', '--help');
expect(help.code === 0 && help.out.includes('Usage: prefork'), 'npx prefork --help');

// A small server of the project, started as a user would: conform init writes the target (the
// kit's prefork serving a copy of the fetch probe, a $schema into node_modules).
const init = npx('conform', 'init', '--gateway', 'fetch', 'my-server');
expect(init.code === 0 && init.out.includes('npx conform --target my-server'), `npx conform init --gateway fetch my-server${init.code === 0 ? '' : `:\n${init.out}`}`);
const schema = JSON.parse(fs.readFileSync(path.join(project, 'my-server', 'conform.json'), 'utf8')).$schema;
expect(schema === '../node_modules/prefork-conformance-kit/conformance/conform.schema.json', `its $schema resolves from node_modules (${schema})`);
const report = path.join(project, 'reports', 'my-server.json');
const conform = npx('conform', '--target', 'my-server', '--driver', 'process', '--only', 'prefork.worker-count,http.keepalive', '--class', 'sync,async', '--report-json', report);
const results: Array<{ status: string }> = fs.existsSync(report) ? JSON.parse(fs.readFileSync(report, 'utf8')).results : [];
expect(conform.code === 0 && results.length === 3 && results.every((r) => r.status === 'pass'), `npx conform --target my-server --driver process: ${results.map((r) => r.status).join(', ') || 'no report'}${conform.code === 0 ? '' : `\n${conform.out}`}`);
// A server the kit ships a target for, with its reviewed expectations: a maintainer of that
// server starts from it (Debian's unicorn: .ci/run installs it).
expect(files.includes('fixtures/targets/unicorn/expectations.json') && files.includes('fixtures/servers/node-cluster/server.mjs'), "the tarball holds the field's targets and the servers they run");
const fromUnicorn = npx('conform', 'init', '--from', 'unicorn', 'my-unicorn');
expect(fromUnicorn.code === 0 && fs.existsSync(path.join(project, 'my-unicorn', 'unicorn.conf.rb')), `npx conform init --from unicorn my-unicorn${fromUnicorn.code === 0 ? '' : `:\n${fromUnicorn.out}`}`);
const unicorn = npx('conform', '--target', 'my-unicorn', '--driver', 'process', '--only', 'prefork.worker-count,gateway.rack.env-required', '--class', 'sync');
expect(unicorn.code === 0 && /conform: 2 passed, 0 failed/.test(unicorn.out), `npx conform --target my-unicorn (from the shipped target): ${unicorn.code === 0 ? 'ok' : unicorn.out}`);
// The adoption path of a gunicorn maintainer: the shipped target, every case of its sync class
// (the matrix runs all three in containers; CI's time is kept for that), Debian's gunicorn 20.1
// (.ci/run installs it), exit 0 on the reviewed expectations alone.
const fromGunicorn = npx('conform', 'init', '--from', 'gunicorn', 'my-gunicorn');
expect(fromGunicorn.code === 0 && fs.existsSync(path.join(project, 'my-gunicorn', 'expectations.json')), `npx conform init --from gunicorn my-gunicorn${fromGunicorn.code === 0 ? '' : `:\n${fromGunicorn.out}`}`);
const gunicorn = npx('conform', '--target', 'my-gunicorn', '--driver', 'process', '--class', 'sync');
const gunicornCounts = /^\d+ pass, .*$/m.exec(gunicorn.out)?.[0] ?? 'no summary line';
expect(gunicorn.code === 0 && !gunicorn.out.includes('UNREVIEWED'), `npx conform --target my-gunicorn --class sync: exit ${gunicorn.code}, ${gunicornCounts}${gunicorn.code === 0 ? '' : `\n${gunicorn.out}`}`);
// The README's expectations loop on a node:cluster server of the project's own (test/converge.ts).
const cluster = convergeOnce(project, (...args) => npx('conform', ...args), path.join(project, 'node_modules', 'prefork-conformance-kit', 'fixtures', 'servers', 'node-cluster', 'server.mjs'));
expect(cluster.ok, `a node:cluster server from init --gateway fetch converges: ${cluster.summary}${cluster.ok ? '' : `\n${cluster.detail}`}`);
const container = npx('conform', '--target', 'my-server', '--driver', 'container', '--only', 'prefork.worker-count');
expect(container.code === 2 && container.out.includes('npm i -D testcontainers@'), 'without testcontainers, --driver container exits 2 and says what to install');

fs.rmSync(work, { recursive: true, force: true });
for (const p of problems) console.error(`pack-install: ${p}`);
process.exitCode = problems.length === 0 ? 0 : 1;
