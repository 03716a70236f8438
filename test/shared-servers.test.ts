import { describe, expect, test } from 'vitest';
import { SharedServers } from '../conformance/shared-servers.ts';
import { defaultConfig } from '../spec/harness/case.ts';
import type { Driver, Server, ServerConfig } from '../spec/harness/types.ts';

/** A driver whose servers are numbered and can be killed, or lose workers, by the test. */
function countingDriver() {
  const started: Array<Server & { dead: boolean; stopped: boolean; lost: number }> = [];
  const driver: Driver = {
    name: 'counting',
    async start(config: ServerConfig) {
      const server = {
        host: '127.0.0.1', port: 1000 + started.length, extraPorts: [], config, masterPid: started.length, startedPid: started.length, startedIsMaster: true, command: async () => ({ code: 0, output: '' }),
        dead: false, stopped: false, lost: 0,
        workers: async () => Array.from({ length: Math.max(0, config.workers - server.lost) }, (_, i) => 100 + i), alive: async () => true, threadStates: async () => [], signal: async () => undefined,
        exitStatus: () => (server.dead ? { code: 1, signal: null } : null),
        logs: () => '',
        stop: async () => void (server.stopped = true),
      };
      started.push(server);
      return server;
    },
    dispose: async () => undefined,
  };
  return { driver, started };
}

const config = defaultConfig('sync');

describe('shared servers: lent to one case at a time', () => {
  test('a server lent again is first checked by the driver, where it has a check (a running server it cannot replace)', async () => {
    const { driver } = countingDriver();
    const checked: number[] = [];
    driver.beforeLend = async (server) => void checked.push(server.port);
    const shared = new SharedServers(driver);
    const a = shared.forCase();
    const first = await a.lend(config);
    a.release();
    expect(checked).toEqual([]); // a fresh start is the driver's own business
    const b = shared.forCase();
    await b.lend(config);
    b.release();
    expect(checked).toEqual([first.port]);
    driver.beforeLend = async () => {
      throw new Error('nothing answers');
    };
    await expect(shared.forCase().lend(config)).rejects.toThrow('nothing answers');
  });

  test('a server that lost a worker (a case broke one, and it is not replaced yet, or never) is not lent again: a fresh one is', async () => {
    const { driver, started } = countingDriver();
    const shared = new SharedServers(driver);
    const a = shared.forCase();
    const first = await a.lend(config);
    started[0].lost = 1; // the case crashed a worker of it
    a.release();
    const b = shared.forCase();
    const second = await b.lend(config);
    expect(second).not.toBe(first);
    expect(started[0].stopped).toBe(true);
    b.release();
    // A whole one is lent again as it is.
    const c = shared.forCase();
    expect(await c.lend(config)).toBe(second);
    c.release();
    expect(started).toHaveLength(2);
    // One whose driver cannot count workers (--url throws, at once) is lent as it is.
    started[1].workers = () => {
      throw new Error('not ours');
    };
    expect(await shared.forCase().lend(config)).toBe(second);
  });

  test('two cases at once get two servers; a case that asks twice gets the same one; a released server is lent again', async () => {
    const { driver, started } = countingDriver();
    const shared = new SharedServers(driver);
    const [a, b] = [shared.forCase(), shared.forCase()];
    const [sa, sb] = await Promise.all([a.lend(config), b.lend(config)]);
    expect(sa).not.toBe(sb);
    expect(await a.lend(config)).toBe(sa);
    a.release();
    const c = shared.forCase();
    expect(await c.lend(config)).toBe(sa);
    expect(started).toHaveLength(2);
  });

  test('another configuration is another server', async () => {
    const { driver, started } = countingDriver();
    const a = new SharedServers(driver).forCase();
    const one = await a.lend(config);
    const two = await a.lend({ ...config, workers: 1 });
    expect(one).not.toBe(two);
    expect(started).toHaveLength(2);
  });

  test('a server that died is stopped and replaced, not lent', async () => {
    const { driver, started } = countingDriver();
    const shared = new SharedServers(driver);
    const a = shared.forCase();
    await a.lend(config);
    a.release();
    started[0].dead = true;
    const next = await shared.forCase().lend(config);
    expect(next).toBe(started[1]);
    expect(started[0].stopped).toBe(true);
  });

  test('a start that failed is tried again by the next case; stopAll stops every server', async () => {
    const { driver, started } = countingDriver();
    let fail = true;
    const flaky: Driver = { ...driver, start: (c) => (fail ? ((fail = false), Promise.reject(new Error('never ready'))) : driver.start(c)) };
    const shared = new SharedServers(flaky);
    const first = shared.forCase();
    await expect(first.lend(config)).rejects.toThrow('never ready');
    first.release();
    await shared.forCase().lend(config);
    await shared.stopAll();
    expect(started.map((s) => s.stopped)).toEqual([true]);
  });
});
