// Which processes are workers: a master's child that never loads the app (a helper) is named in
// the manifest and is then neither counted nor waited for; unnamed, the start fails with a message
// that says how to name it. Either way nothing the server started is left running.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { conformReport, targetVariant, type ReportResult } from './conform-cli.ts';

/** In the environment of every process this file's servers make: what running() looks for. */
const MARK_NAME = 'CONFORM_TOPOLOGY_TEST';
const MARK = `${MARK_NAME}=1`;

/** The node-cluster target started through a launcher of test/fixtures, with `extra` in its manifest. */
function target(extra: Record<string, unknown>, launcher = 'with-helper.mjs'): string {
  return targetVariant('node-cluster', 'conform-topology-', (manifest) => {
    manifest.command[1] = `{kitDir}/test/fixtures/${launcher}`;
    const env = { ...(manifest.env as object | undefined), ...(extra.env as object | undefined), [MARK_NAME]: '1' };
    return { ...manifest, ...extra, env, readiness: { timeoutMs: 4000 } };
  });
}

const conform = (dir: string, only: string) => conformReport(dir, ['--target', dir, '--only', only, '--driver', 'process', '--jobs', '1']);

/** The evidence of every result that did not pass (the server's log above all): why a run failed in CI. */
const whyNot = (results: ReportResult[]) =>
  JSON.stringify(results.filter((r) => r.status !== 'pass').map((r) => r.evidence), null, 1);

/**
 * Processes of this file's servers whose command line has `word`. Only theirs: another test file
 * running at the same time may run the same server (url-driver's node:cluster server did).
 */
function running(word: string): number[] {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number).filter((pid) => {
    try {
      return pid !== process.pid && fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(word) && fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(MARK);
    } catch {
      return false;
    }
  });
}
const helpersLeft = () => running('conform-test-helper');

describe('a master with a helper child', { timeout: 60_000 }, () => {
  test('named in processes.helpers: judged as its workers alone, nothing left running', async () => {
    const { code, results } = await conform(target({ processes: { helpers: ['conform-test-helper'] } }), 'prefork.worker-count,lifecycle.respawn');
    expect(results.map((r) => [r.id, r.status, r.message]), whyNot(results)).toEqual([
      ['prefork.worker-count', 'pass', ''],
      ['lifecycle.respawn', 'pass', ''],
    ]);
    expect(code).toBe(0);
    expect(helpersLeft()).toEqual([]);
  });

  test('not named: the start is an error that names processes.helpers, nothing left running', async () => {
    const { code, results, refused } = await conform(target({}), 'prefork.worker-count');
    expect(results).toEqual([]);
    expect(refused[0]).toMatch(/did not start in its plain configuration[\s\S]*have not printed "conform-probe: loaded pid=N".*processes\.helpers/);
    expect(code).toBe(2);
    expect(helpersLeft()).toEqual([]);
  });
});

describe('workers under a master in another session (the shape of Passenger Standalone)', { timeout: 90_000 }, () => {
  const dirOf = (extra: Record<string, unknown>) => {
    const dir = target(extra, 'detached-core.mjs');
    return dir;
  };
  test('processes.master names the core: its workers are judged, its operations reach it, nothing is left', async () => {
    const dir = dirOf({ processes: { master: 'node-cluster/server\\.mjs' }, operations: { gracefulStop: { signal: 'SIGTERM', to: 'started' }, gracefulExit: { code: 0 } } });
    const { code, results } = await conform(dir, 'prefork.worker-count,lifecycle.respawn,lifecycle.parent-death,signals.term-graceful');
    expect(results.map((r) => [r.id, r.status, r.message]), whyNot(results)).toEqual([
      ['prefork.worker-count', 'pass', ''],
      ['lifecycle.respawn', 'pass', ''],
      ['lifecycle.parent-death', 'pass', ''],
      ['signals.term-graceful', 'pass', ''],
    ]);
    expect(code).toBe(0);
    expect(running('node-cluster/server.mjs')).toEqual([]);
  });

  test('without it the started process has no workers: an error saying so, and the detached core is still ended', async () => {
    const { code, results, refused } = await conform(dirOf({}), 'prefork.worker-count');
    expect(results).toEqual([]);
    expect(refused[0]).toMatch(/0 of 2 worker\(s\) exist.*processes\.master/);
    expect(code).toBe(2);
    expect(running('node-cluster/server.mjs')).toEqual([]);
  });
});

describe('a private directory per start ({stateDir})', { timeout: 60_000 }, () => {
  test('exists when the server starts, differs per start, is gone once the run ends', async () => {
    const dir = target({ env: { CONFORM_TEST_STATE: '{stateDir}', CONFORM_TEST_TARGET: '{targetDir}' } }, 'with-state.mjs');
    const { code, results } = await conform(dir, 'prefork.worker-count,lifecycle.respawn');
    expect(results.map((r) => [r.id, r.status, r.message]), whyNot(results)).toEqual([
      ['prefork.worker-count', 'pass', ''],
      ['lifecycle.respawn', 'pass', ''],
    ]);
    expect(code).toBe(0);
    const used = fs.readFileSync(path.join(dir, 'state-dirs.txt'), 'utf8').trim().split('\n');
    expect(used.length).toBeGreaterThanOrEqual(2);
    expect(new Set(used).size).toBe(used.length);
    expect(used.filter((d) => fs.existsSync(d))).toEqual([]);
  });
});
