import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadExpectations } from '../conformance/expectations.ts';
import { expand, GUNICORN_OPERATIONS, KIT_DIR, loadTarget, runClasses, targetTraits, validateManifest, withinBounds } from '../conformance/manifest.ts';
import { defaultConfig } from '../spec/harness/case.ts';
import { selected } from '../conformance/select.ts';
import { tempDir } from './temp-dirs.ts';

const good = {
  name: 'demo',
  version: '1.0',
  specVersion: '2',
  gateway: 'wsgi',
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
    [{ ...good, capabilities: ['telepathy'] }, /capabilities\.0: must be equal to one of the allowed values: heartbeat/],
    [{ ...good, command: ['x', '{prot}'] }, /unknown placeholder\(s\) \{prot\}/],
    [{ ...good, app: undefined }, /uses \{app\} but no "app" field/],
    [{ ...good, readiness: { logLine: '(' } }, /readiness.logLine is not a regular expression/],
    [{ ...good, capabilities: ['multi-bind'] }, /capability "multi-bind" needs an "extraBind" template and a "\{extraBinds\}" element in command/],
    [{ ...good, command: [...good.command, '{extraBinds}'] }, /command uses \{extraBinds\} but no "extraBind" field/],
    [{ ...good, command: ['x', '--bind={extraBinds}'], extraBind: ['-b', '{host}:{port}'] }, /\{extraBinds\} must be a command element of its own/],
    [{ ...good, extraBind: ['-b', '{host}:{prot}'] }, /unknown placeholder\(s\) \{prot\}/],
    [{ ...good, gateway: undefined }, /missing required field "gateway"/],
    [{ ...good, gateway: 'cgi' }, /gateway: must be equal to one of the allowed values: wsgi, rack, fetch, asgi/],
    [{ ...good, processes: { helpers: ['('] } }, /processes.helpers.0 is not a regular expression/],
    [{ ...good, capabilities: ['signals'] }, /capability "signals" is gone in spec version 2: say which signal does what in "operations"/],
    [{ ...good, capabilities: ['wsgi', 'heartbeat'] }, /capability "wsgi" is gone in spec version 2: say "gateway": "wsgi"/],
    [{ ...good, operations: { reload: 'SIGHUPP' } }, /operations.reload: "SIGHUPP" is not a signal name here/],
    [{ ...good, operations: { reload: 'HUP' } }, /operations.reload: must match pattern/],
    [{ ...good, operations: { restart: 'SIGHUP' } }, /operations: unknown field "restart"/],
    [{ ...good, operations: { gracefulExit: { code: 0, signal: 'SIGTERM' } } }, /operations.gracefulExit: must NOT have more than 1 properties/],
    [{ ...good, limits: { requestLine: 4094 }, command: [...good.command, '--limit-request-line', '{limitRequestLine}'] }, /limits.requestLine is fixed at 4094 but the command also sets it with \{limitRequestLine\}/],
    [{ ...good, limits: { requestLines: 4094 } }, /limits: unknown field "requestLines"/],
    [{ ...good, profiles: ['unicorn'] }, /profiles.0: must be equal to one of the allowed values: gunicorn/],
    [{ ...good, classes: { sync: { args: ['--x'] } }, command: ['x'] }, /classes sync have "args" but command has no "\{classArgs\}" element/],
    [{ ...good, classes: { sync: { args: ['--x'] } }, command: ['x', '--a={classArgs}'] }, /\{classArgs\} must be a command element of its own/],
    [{ ...good, classes: { sync: { args: ['--x'] } }, command: ['x', '{classArgs}', '-k', '{workerClass}'] }, /command uses \{workerClass\} but classes sync name none/],
    [{ ...good, classes: { sync: { args: ['{prot}'] } }, command: ['x', '{classArgs}'] }, /unknown placeholder\(s\) \{prot\}/],
  ])('rejects %# with a message naming the field', (data, message) => {
    expect(() => validateManifest(data)).toThrow(message);
  });
  test('a directory without conform.json, or with broken JSON, is named in the error', () => {
    const dir = tempDir('conform-test-');
    expect(() => loadTarget(dir)).toThrow(/no conform.json in/);
    fs.writeFileSync(path.join(dir, 'conform.json'), '{ nope');
    expect(() => loadTarget(dir)).toThrow(/conform.json is not valid JSON/);
  });
});

describe('per-class arguments and environment', () => {
  test('{classArgs} becomes the run class\'s args, filled; class env joins the target env', () => {
    const manifest = validateManifest({
      ...good,
      command: ['/bin/s', '{classArgs}', '-w', '{workers}'],
      classes: { sync: { args: ['--http-socket', '{host}:{port}'] }, gthread: { workerClass: 't', args: ['--http11-socket', '{host}:{port}', '--threads', '{threads}'], env: { MODE: '{workerClass}' } } },
    });
    const [sync, gthread] = runClasses(manifest);
    expect(expand({ dir: '/t', manifest }, defaultConfig('sync'), sync, '127.0.0.1', 9).argv).toEqual(['/bin/s', '--http-socket', '127.0.0.1:9', '-w', '2']);
    const threaded = expand({ dir: '/t', manifest }, defaultConfig('gthread'), gthread, '127.0.0.1', 9);
    expect(threaded.argv).toEqual(['/bin/s', '--http11-socket', '127.0.0.1:9', '--threads', '2', '-w', '2']);
    expect(threaded.env).toEqual({ MODE: 't' });
  });
});

describe('settings bounds', () => {
  test("a case's value below a declared minimum is raised to it, above a maximum lowered; 0 (off) is kept", () => {
    const manifest = validateManifest({ ...good, settings: { timeout: { min: 3 }, workers: { max: 4 } } });
    const config = { ...defaultConfig('sync'), timeout: 2, workers: 6 };
    expect(withinBounds(manifest, config)).toMatchObject({ timeout: 3, workers: 4 });
    expect(withinBounds(manifest, { ...config, timeout: 0 }).timeout).toBe(0);
    expect(withinBounds(manifest, { ...config, timeout: 30 }).timeout).toBe(30);
    expect(() => validateManifest({ ...good, settings: { timeout: { minimum: 3 } } })).toThrow(/settings.timeout: unknown field "minimum"/);
  });
});

describe('target traits: operations, graceful exit, limits', () => {
  const config = defaultConfig('sync');
  test("without operations, gunicorn's signals and exit 0", () => {
    expect(targetTraits(validateManifest(good), config)).toEqual({ operations: GUNICORN_OPERATIONS, gracefulExit: { code: 0, signal: null }, limits: {}, reloadKeepsCount: false, capabilities: [] });
    expect(targetTraits(validateManifest({ ...good, operations: { reload: 'SIGUSR1', reloadKeepsCount: true } }), config).reloadKeepsCount).toBe(true);
  });
  test('declared operations replace the defaults whole: one left out is one the server lacks', () => {
    const traits = targetTraits(validateManifest({ ...good, operations: { gracefulStop: 'SIGQUIT', quickStop: ['SIGTERM', 'SIGINT'], gracefulExit: { signal: 'SIGTERM' } } }), config);
    expect(traits.operations).toEqual({ gracefulStop: [{ signal: 'SIGQUIT', to: 'master' }], quickStop: [{ signal: 'SIGTERM', to: 'master' }, { signal: 'SIGINT', to: 'master' }] });
    expect(traits.gracefulExit).toEqual({ code: null, signal: 'SIGTERM' });
  });
  test('an operation may be a signal to the started process, or a command with placeholders', () => {
    const manifest = validateManifest({ ...good, operations: { gracefulStop: { signal: 'SIGINT', to: 'started' }, reload: { command: ['ctl', 'reload', '--port', '{port}'] } } });
    expect(targetTraits(manifest, config).operations).toEqual({ gracefulStop: [{ signal: 'SIGINT', to: 'started' }], reload: [{ command: ['ctl', 'reload', '--port', '{port}'] }] });
    expect(expand({ dir: '/t', manifest }, config, runClasses(manifest)[0], '127.0.0.1', 8123).fill('--port={port}')).toBe('--port=8123');
    expect(() => validateManifest({ ...good, operations: { reload: { command: ['ctl', '{prot}'] } } })).toThrow(/unknown placeholder\(s\) \{prot\}/);
    expect(() => validateManifest({ ...good, operations: { reload: { signal: 'SIGNOPE', to: 'started' } } })).toThrow(/operations.reload: "SIGNOPE" is not a signal name here/);
    expect(() => validateManifest({ ...good, processes: { master: '(' } })).toThrow(/processes.master is not a regular expression/);
  });
  test('limits: fixed in the manifest, or the value the kit sets through a placeholder', () => {
    const manifest = validateManifest({ ...good, limits: { headerFields: 32 }, command: [...good.command, '--limit-request-line={limitRequestLine}'] });
    expect(targetTraits(manifest, { ...config, limitRequestLine: 2000 }).limits).toEqual({ requestLine: 2000, headerFields: 32 });
    expect(expand({ dir: '/t', manifest }, { ...config, limitRequestLine: 2000 }, runClasses(manifest)[0], '127.0.0.1', 1).argv.at(-1)).toBe('--limit-request-line=2000');
    // A placeholder in a class's args sets the limit too.
    const perClass = validateManifest({ ...good, command: ['x', '{classArgs}'], classes: { sync: { args: ['--fields', '{limitRequestFields}'] } } });
    expect(targetTraits(perClass, config).limits).toEqual({ headerFields: 100 });
  });
});

describe('classes and placeholders', () => {
  test('main classes by default, extra ones only by name, unknown ones refused', () => {
    const manifest = validateManifest(good);
    expect(runClasses(manifest).map((c) => c.label)).toEqual(['sync', 'async']);
    expect(runClasses(manifest, ['other'])).toEqual([{ label: 'other', specClass: 'async', workerClass: 'other' }]);
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

describe('the shipped targets', () => {
  const targets = fs.readdirSync(path.join(KIT_DIR, 'fixtures/targets')).map((name) => loadTarget(path.join(KIT_DIR, 'fixtures/targets', name)));

  // An entry without `seen` would hide any other failure of its case. Only an intermittent one may
  // go without: its miss is rare, and not always worded the same.
  test('every expectation that is not intermittent says what its miss looks like (seen), and none is unreviewed', () => {
    const unsaid = targets.flatMap((target) =>
      loadExpectations(target)
        .entries.filter((entry) => entry.unreviewed || (!entry.intermittent && entry.seen === undefined))
        .map((entry) => `${target.manifest.name}: ${entry.id} [${entry.class ?? '*'}]`),
    );
    expect(targets.length).toBeGreaterThanOrEqual(11);
    expect(unsaid).toEqual([]);
  });
});
