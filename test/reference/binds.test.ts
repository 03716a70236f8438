// Production binds (gunicorn's forms): unix:PATH, fd://N, systemd socket activation (LISTEN_FDS),
// and TLS with --certfile/--keyfile; bad values exit 2 before anything binds.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { freePort } from '../../conformance/drivers/launch.ts';
import { eventually } from '../../spec/harness/eventually.ts';
import { KIT, PREFORK, preforkLauncher } from './prefork-process.ts';

const APP = 'dist/fixtures/probe/reference/probe.js';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binds-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** GET over any transport: the status and the probe's JSON. */
function get(options: http.RequestOptions, secure = false): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).get({ path: '/echo', timeout: 3000, ...options, ...(secure ? { rejectUnauthorized: false } : {}) }, (response) => {
      let text = '';
      response.on('data', (d) => (text += d));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text || '{}') }));
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('timed out')));
  });
}

const exited = (child: ReturnType<typeof spawn>) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe('binds', () => {
  const prefork = preforkLauncher();

  test('unix:PATH serves HTTP on the socket and removes it when the master stops', async () => {
    const socketPath = path.join(dir, 'app.sock');
    fs.writeFileSync(`${socketPath}`, ''); // not a socket: refused, never unlinked
    const refused = spawnSync(process.execPath, [PREFORK, '-b', `unix:${socketPath}`, APP], { cwd: KIT, encoding: 'utf8', timeout: 10_000 });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/is not a socket/);
    fs.rmSync(socketPath);
    const child = prefork(['-b', `unix:${socketPath}`, '-w', '1', APP]);
    const answer = await eventually(() => get({ socketPath }).catch(() => undefined), { within: 15_000, what: 'an answer on the unix socket' });
    expect(answer.status).toBe(200);
    child.kill('SIGTERM');
    await exited(child);
    expect(fs.existsSync(socketPath)).toBe(false);
  });

  test('--umask sets the unix socket\'s mode as gunicorn\'s does: 0 (its default) gives 0777, 0o117 gives 0660 (issue 23 #9)', async () => {
    for (const [args, mode] of [[[], 0o777], [['--umask', '0o117'], 0o660], [['-m', '0117'], 0o660], [['--umask', '63'], 0o700]] as const) {
      const socketPath = path.join(dir, `mode-${mode.toString(8)}-${args.length}.sock`);
      const child = prefork(['-b', `unix:${socketPath}`, '-w', '1', ...args, APP]);
      await eventually(() => get({ socketPath }).catch(() => undefined), { within: 15_000, what: 'an answer on the unix socket' });
      expect((fs.statSync(socketPath).mode & 0o777).toString(8), `${args}`).toBe(mode.toString(8));
      child.kill('SIGTERM');
      await exited(child);
    }
  });

  test('a unix socket another server answers on is not taken over: exit 1, its file kept (issue 23 #9)', async () => {
    const socketPath = path.join(dir, 'taken.sock');
    const other = net.createServer((c) => c.end()).listen(socketPath);
    await new Promise((resolve) => other.once('listening', resolve));
    try {
      const result = spawnSync(process.execPath, [PREFORK, '-b', `unix:${socketPath}`, APP], { cwd: KIT, encoding: 'utf8', timeout: 10_000 });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/another server is listening on it/);
      expect(fs.statSync(socketPath).isSocket()).toBe(true);
      await new Promise<void>((resolve, reject) => net.connect(socketPath).once('connect', resolve).once('error', reject));
    } finally {
      other.close();
    }
  });

  test('fd://N serves on a listening socket the master inherited', async () => {
    const port = await freePort();
    const server = net.createServer().listen({ port, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
    const child = spawn(process.execPath, [PREFORK, '-b', 'fd://3', '-w', '1', APP], { cwd: KIT, stdio: ['ignore', 'ignore', 'ignore', fd] });
    server.close(); // the child holds its copy
    try {
      const answer = await eventually(() => get({ host: '127.0.0.1', port }).catch(() => undefined), { within: 15_000, what: 'an answer on the inherited socket' });
      expect(answer.status).toBe(200);
      expect(answer.body.environ).toMatchObject({ SERVER_PORT: String(port) });
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  });

  test('LISTEN_FDS/LISTEN_PID (systemd) replace --bind, and are not passed on to workers', async () => {
    const port = await freePort();
    const server = net.createServer().listen({ port, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
    // systemd sets LISTEN_PID to the pid it execs: a shell that execs node keeps its pid.
    const child = spawn('/bin/sh', ['-c', `LISTEN_PID=$$ LISTEN_FDS=1 exec "${process.execPath}" "${PREFORK}" -b 127.0.0.1:1 -w 1 ${APP}`], { cwd: KIT, stdio: ['ignore', 'ignore', 'ignore', fd] });
    server.close();
    try {
      const answer = await eventually(() => get({ host: '127.0.0.1', port, path: '/echo' }).catch(() => undefined), { within: 15_000, what: 'an answer on the activated socket' });
      expect(answer.status).toBe(200);
      const { body } = await get({ host: '127.0.0.1', port, path: '/pid' });
      const environment = fs.readFileSync(`/proc/${body.pid}/environ`, 'utf8').split('\0');
      expect(environment.filter((v) => v.startsWith('LISTEN_'))).toEqual([]);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  });

  test('--certfile/--keyfile: HTTPS on every bind, the app sees the https scheme', async () => {
    const [cert, key] = [path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const port = await freePort();
    const child = prefork(['-b', `127.0.0.1:${port}`, '-w', '1', '--certfile', cert, '--keyfile', key, APP]);
    const answer = await eventually(() => get({ host: '127.0.0.1', port }, true).catch(() => undefined), { within: 15_000, what: 'an answer over TLS' });
    expect(answer.status).toBe(200);
    expect(answer.body.flags).toMatchObject({ url_scheme: 'https' });
    expect(String(answer.body.url)).toMatch(/^https:\/\//);
    child.kill('SIGTERM');
    await exited(child);
  });

  test.each([
    [['-b', 'unix:'], /unix: needs a path/],
    [['-b', `unix:/tmp/${'x'.repeat(120)}.sock`], /longer than a unix socket path may be \(107 bytes\)/],
    [['--umask', 'abc'], /--umask: expected a file mode mask/],
    [['--umask', '0o1000'], /--umask: expected a file mode mask/],
    [['-b', 'fd://x'], /fd:\/\/ needs a descriptor number/],
    [['-b', 'fd://1'], /fd:\/\/ needs a descriptor number/],
    [['-b', 'host:99999'], /expected HOST:PORT/],
    [['--certfile', '/nonexistent.pem', '--keyfile', '/nonexistent.pem'], /does not exist or cannot be read/],
    [['--certfile', __filename], /--certfile and --keyfile go together/],
    [['--certfile', __filename, '--keyfile', __filename], /--certfile .* --keyfile/],
  ])('%j exits 2 with a message, binding nothing', (args, message) => {
    const result = spawnSync(process.execPath, [PREFORK, ...args, APP], { cwd: KIT, encoding: 'utf8', timeout: 10_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/Listening at/);
  });
});
