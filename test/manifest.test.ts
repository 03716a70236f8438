import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { expand, loadTarget, runClasses, validateManifest } from '../conformance/manifest.ts';
import { defaultConfig } from '../spec/harness/case.ts';
import { selected } from '../conformance/select.ts';

const good = {
  name: 'demo',
  version: '1.0',
  specVersion: '1',
  command: ['/bin/demo', '--bind', '{host}:{port}', '-w', '{workers}', '-k', '{workerClass}', '{app}'],
  app: 'probe:app',
  classes: { sync: 'sync', async: 'evented' },
  extraClasses: { other: { kind: 'async', workerClass: 'other' } },
};

describe('manifest validation', () => {
  test('accepts a good manifest', () => {
    expect(validateManifest(good).name).toBe('demo');
  });
  test.each([
    [{ ...good, command: undefined }, /missing required field "command"/],
    [{ ...good, comand: ['x'] }, /unknown field "comand"/],
    [{ ...good, classes: { synk: 'sync' } }, /classes: unknown field "synk"/],
    [{ ...good, capabilities: ['telepathy'] }, /capabilities\.0: must be equal to one of the allowed values: wsgi/],
    [{ ...good, command: ['x', '{prot}'] }, /unknown placeholder\(s\) \{prot\}/],
    [{ ...good, app: undefined }, /uses \{app\} but no "app" field/],
    [{ ...good, readiness: { logLine: '(' } }, /readiness.logLine is not a regular expression/],
    [{ ...good, capabilities: ['multi-bind'] }, /capability "multi-bind" needs an "extraBind" template and a "\{extraBinds\}" element in command/],
    [{ ...good, command: [...good.command, '{extraBinds}'] }, /command uses \{extraBinds\} but no "extraBind" field/],
    [{ ...good, command: ['x', '--bind={extraBinds}'], extraBind: ['-b', '{host}:{port}'] }, /\{extraBinds\} must be a command element of its own/],
    [{ ...good, extraBind: ['-b', '{host}:{prot}'] }, /unknown placeholder\(s\) \{prot\}/],
  ])('rejects %# with a message naming the field', (data, message) => {
    expect(() => validateManifest(data)).toThrow(message);
  });
  test('a directory without conform.json, or with broken JSON, is named in the error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conform-test-'));
    expect(() => loadTarget(dir)).toThrow(/no conform.json in/);
    fs.writeFileSync(path.join(dir, 'conform.json'), '{ nope');
    expect(() => loadTarget(dir)).toThrow(/conform.json is not valid JSON/);
  });
});

describe('classes and placeholders', () => {
  test('main classes by default, extra ones only by name, unknown ones refused', () => {
    const manifest = validateManifest(good);
    expect(runClasses(manifest).map((c) => c.label)).toEqual(['sync', 'async']);
    expect(runClasses(manifest, ['other'])).toEqual([{ label: 'other', kind: 'async', workerClass: 'other' }]);
    expect(() => runClasses(manifest, ['gthread'])).toThrow(/declares sync, async, other/);
  });
  test('expand fills every placeholder and merges env', () => {
    const manifest = validateManifest({ ...good, env: { PORT: '{port}' } });
    const { argv, env } = expand({ dir: '/t', manifest }, { ...defaultConfig('async'), env: { X: '1' } }, runClasses(manifest)[1], '127.0.0.1', 8123);
    expect(argv).toEqual(['/bin/demo', '--bind', '127.0.0.1:8123', '-w', '2', '-k', 'evented', 'probe:app']);
    expect(env).toEqual({ PORT: '8123', X: '1' });
  });
  test('{extraBinds} expands to the extraBind template once per extra port, and to nothing without', () => {
    const manifest = validateManifest({
      ...good,
      command: ['/bin/demo', '--bind', '{host}:{port}', '{extraBinds}', '{app}'],
      extraBind: ['--bind', '{host}:{port}'],
      capabilities: ['multi-bind'],
    });
    const cls = runClasses(manifest)[0];
    expect(expand({ dir: '/t', manifest }, defaultConfig('sync'), cls, '127.0.0.1', 1, [2, 3]).argv).toEqual([
      '/bin/demo', '--bind', '127.0.0.1:1', '--bind', '127.0.0.1:2', '--bind', '127.0.0.1:3', 'probe:app',
    ]);
    expect(expand({ dir: '/t', manifest }, defaultConfig('sync'), cls, '127.0.0.1', 1).argv).toEqual(['/bin/demo', '--bind', '127.0.0.1:1', 'probe:app']);
  });
  test('the app value takes placeholders too', () => {
    const manifest = validateManifest({ ...good, app: '{targetDir}/probe.ts' });
    const { argv } = expand({ dir: '/t', manifest }, defaultConfig('sync'), runClasses(manifest)[0], '127.0.0.1', 1);
    expect(argv.at(-1)).toBe('/t/probe.ts');
  });
  test('id globs', () => {
    expect(selected('lifecycle.respawn', ['lifecycle.*'], [])).toBe(true);
    expect(selected('lifecycle.respawn', [], ['*.respawn'])).toBe(false);
    expect(selected('http.keepalive', ['lifecycle.*'], [])).toBe(false);
    expect(selected('http.keepalive', [], [])).toBe(true);
  });
});
