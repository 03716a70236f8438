// conform init: a starter target per gateway that --list reads and that runs as written.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { shippedTargets, STARTERS } from '../conformance/commands/init.ts';
import { KIT_DIR, loadTarget } from '../conformance/manifest.ts';
import { GATEWAY_PROFILES } from '../spec/harness/gateways.ts';

const conform = (args: string[], cwd = KIT_DIR) =>
  promisify(execFile)(process.execPath, [path.join(KIT_DIR, 'bin', 'conform.js'), ...args], { cwd }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );

describe('conform init', () => {
  test.each(Object.keys(STARTERS) as Array<keyof typeof STARTERS>)('--gateway %s: a valid target with its probe; --list reads it; a case passes as written', async (gateway) => {
    const starter = STARTERS[gateway]!;
    const cls = Object.keys(starter.classes)[0];
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'conform-init-'));
    const init = await conform(['init', '--gateway', gateway, 'my-server'], parent);
    expect(init.code, init.err).toBe(0);
    expect(init.out).toContain('npx conform --target my-server --list');
    const dir = path.join(parent, 'my-server');
    const target = loadTarget(dir); // validates against the schema
    // The registry's probe, under its own name, byte for byte.
    const probe = GATEWAY_PROFILES[gateway].probe;
    expect(fs.readFileSync(path.join(dir, path.basename(probe)))).toEqual(fs.readFileSync(path.join(KIT_DIR, probe)));
    expect(target.manifest.gateway).toBe(gateway);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'expectations.json'), 'utf8'))).toEqual({ expectations: [] });
    expect(path.resolve(dir, JSON.parse(fs.readFileSync(path.join(dir, 'conform.json'), 'utf8')).$schema)).toBe(path.join(KIT_DIR, 'conformance', 'conform.schema.json'));
    expect(target.manifest.name).toBe('my-server');
    const list = await conform(['--target', 'my-server', '--list'], parent);
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(new RegExp(`^\\s+prefork.worker-count \\[${cls}\\]`, 'm'));
    const run = await conform(['--target', 'my-server', '--driver', 'process', '--only', 'prefork.worker-count,gateway.input.content-length', '--class', cls], parent);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/^conform: 2 passed, 0 failed/m);
    fs.rmSync(parent, { recursive: true, force: true });
  }, 60_000);
  test("--gateway fetch: the plain probe any Node server loads, nothing claimed but a graceful stop, and each unclaimed item named", async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'conform-init-'));
    const init = await conform(['init', '--gateway', 'fetch', 'node-server'], parent);
    expect(init.code, init.err).toBe(0);
    const dir = path.join(parent, 'node-server');
    expect(fs.readFileSync(path.join(dir, 'probe.mjs'), 'utf8')).toBe(fs.readFileSync(path.join(KIT_DIR, 'fixtures', 'probe', 'fetch', 'probe.mjs'), 'utf8'));
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'conform.json'), 'utf8'));
    expect(manifest).toMatchObject({ profiles: [], capabilities: [], operations: { gracefulStop: 'SIGTERM', gracefulExit: { code: 0 } } });
    for (const line of ['profiles += "gunicorn"', 'capabilities += "heartbeat": a stalled worker', 'capabilities += "multi-bind"', 'operations.reload:', 'operations.addWorker:']) {
      expect(init.out).toContain(line);
    }
    expect(init.out).not.toContain('operations.gracefulStop');
    // The plain probe takes one argument: a server that passes no environ is served (the
    // reference's own probe answered such a server 500).
    const { default: probe } = await import(path.join(dir, 'probe.mjs'));
    const answer = await probe(new Request('http://127.0.0.1/echo?x=1', { method: 'POST', body: 'hi' }));
    expect(answer.status).toBe(200);
    expect((await answer.json()).request.target).toBe('/echo?x=1');
    fs.rmSync(parent, { recursive: true, force: true });
  }, 60_000);
  test('--from SERVER: every shipped target copies to a valid target, its files and reviewed expectations kept', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'conform-init-from-'));
    for (const name of shippedTargets()) {
      const init = await conform(['init', '--from', name, name], parent);
      expect(init.code, `${name}: ${init.err}`).toBe(0);
      const dir = path.join(parent, name);
      const source = path.join(KIT_DIR, 'fixtures', 'targets', name);
      expect(fs.readdirSync(dir).sort()).toEqual(fs.readdirSync(source).sort());
      expect(loadTarget(dir).manifest.name).toBe(loadTarget(source).manifest.name); // valid, and the same server
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'conform.json'), 'utf8'));
      expect(path.resolve(dir, manifest.$schema)).toBe(path.join(KIT_DIR, 'conformance', 'conform.schema.json'));
      if (manifest.expectations) expect(fs.readFileSync(path.join(dir, manifest.expectations), 'utf8')).toBe(fs.readFileSync(path.join(source, manifest.expectations), 'utf8'));
    }
    const both = await conform(['init', '--from', 'unicorn', '--gateway', 'wsgi', 'x'], parent);
    expect(both.code).toBe(2);
    const neither = await conform(['init', 'y'], parent);
    expect(neither.code).toBe(2);
    expect(neither.err).toMatch(/say either --gateway NAME .* or --from SERVER/);
    fs.rmSync(parent, { recursive: true, force: true });
  }, 60_000);
  test('an existing target is kept unless --force; an unknown gateway names the ones there are', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'conform-init-'));
    expect((await conform(['init', '--gateway', 'fetch', 'x'], parent)).code).toBe(0);
    const again = await conform(['init', '--gateway', 'wsgi', 'x'], parent);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/conform.json exists; --force overwrites/);
    expect((await conform(['init', '--gateway', 'wsgi', 'x', '--force'], parent)).code).toBe(0);
    expect(fs.existsSync(path.join(parent, 'x', 'probe_app.py'))).toBe(true);
    const unknown = await conform(['init', '--gateway', 'cgi', 'y'], parent);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/Allowed choices are wsgi, fetch/);
    fs.rmSync(parent, { recursive: true, force: true });
  }, 60_000);
});
