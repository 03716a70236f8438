// A preloading server (gunicorn --preload, Unicorn's and Puma's preload_app, uWSGI) loads the app
// in its master before it forks: cases that watch workers still loading the app have nothing to
// watch there, and say so (unsupported), where they would otherwise blame the server for its
// documented choice. Without --preload, the same cases run and pass on the same server.
import { describe, expect, test } from 'vitest';
import { UnmetPremise } from '../spec/harness/fault.ts';
import { requireWorkersLoadTheApp } from '../spec/harness/observe.ts';
import { conformReport, targetVariant } from './conform-cli.ts';

describe('requireWorkersLoadTheApp', () => {
  const server = (logs: string) => ({ logs: () => logs, masterPid: 10, startedPid: 10 });
  test('the master printed the loading line: unmet premise; a worker did, or nobody yet: the case goes on', () => {
    expect(() => requireWorkersLoadTheApp(server('[INFO] Booting\nconform-probe: loading pid=10\n'))).toThrow(UnmetPremise);
    expect(() => requireWorkersLoadTheApp(server('conform-probe: loading pid=11\nconform-probe: loading pid=12\n'))).not.toThrow();
    expect(() => requireWorkersLoadTheApp(server(''))).not.toThrow();
    // The loaded line of a master (printed after the load) is not the loading line.
    expect(() => requireWorkersLoadTheApp(server('conform-probe: loaded pid=10\n'))).not.toThrow();
  });
});

describe('gunicorn with and without --preload', { timeout: 90_000 }, () => {
  async function results(preload: boolean) {
    const dir = targetVariant('gunicorn', 'conform-preload-', (manifest) => {
      if (preload) manifest.command.splice(3, 0, '--preload');
    });
    const { results } = await conformReport(dir, ['--target', dir, '--class', 'sync', '--driver', 'process', '--only', 'prefork.bind-before-fork,lifecycle.heartbeat-before-first']);
    return results.map((r) => [r.id, r.status, r.message]);
  }

  test('--preload: both cases unsupported, naming the master that loads the app; without it both pass', async () => {
    const [preloaded, plain] = [await results(true), await results(false)];
    expect(preloaded.map(([id, status]) => [id, status])).toEqual([
      ['prefork.bind-before-fork', 'unsupported'],
      ['lifecycle.heartbeat-before-first', 'unsupported'],
    ]);
    for (const [, , message] of preloaded) expect(message).toMatch(/^the master loads the app before it forks \(a preloading server\)/);
    expect(plain).toEqual([
      ['prefork.bind-before-fork', 'pass', ''],
      ['lifecycle.heartbeat-before-first', 'pass', ''],
    ]);
  });
});
