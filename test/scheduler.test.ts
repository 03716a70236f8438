import { EventEmitter } from 'node:events';
import { describe, expect, test } from 'vitest';
import { schedule, type Task } from '../conformance/scheduler.ts';
import { Gate } from '../conformance/drivers/driver-base.ts';

/** A task that records when it ran and holds its slots until released by the test. */
function recorder(limit: number) {
  let running = 0;
  let peak = 0;
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  const task = (name: string, slots = 1): Task<string> => ({
    slots,
    async run() {
      running += Math.min(slots, limit);
      peak = Math.max(peak, running);
      expect(running).toBeLessThanOrEqual(limit);
      started.push(name);
      await new Promise<void>((resolve) => gates.set(name, resolve));
      running -= Math.min(slots, limit);
      return name;
    },
  });
  const running_ = async (name: string) => {
    for (let i = 0; i < 50 && !gates.has(name); i++) await new Promise((r) => setImmediate(r));
    expect(gates.has(name), `${name} started`).toBe(true);
  };
  const release = async (name: string) => {
    await running_(name);
    gates.get(name)!();
  };
  return { task, started, release, running: running_, peak: () => peak };
}

describe('schedule: tasks share a budget of slots', () => {
  test('never more slots at once than the limit, and every task runs once, results in task order', async () => {
    const r = recorder(3);
    const tasks = ['a', 'b', 'c', 'd', 'e'].map((n) => r.task(n));
    const done = schedule(tasks, 3);
    for (const n of ['b', 'a', 'c', 'e', 'd']) await r.release(n);
    const results = await done;
    expect(results.map((x) => x.status === 'done' && x.value)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(r.peak()).toBe(3);
    expect(r.started.slice(0, 3)).toEqual(['a', 'b', 'c']);
  });

  test('a task that needs every slot starts first and runs alone; the others then start in order', async () => {
    const r = recorder(2);
    const done = schedule([r.task('a'), r.task('alone', Infinity), r.task('b'), r.task('also alone', 2), r.task('c')], 2);
    await r.running('alone');
    expect(r.started).toEqual(['alone']);
    await r.release('alone');
    await r.running('also alone');
    expect(r.started).toEqual(['alone', 'also alone']);
    await r.release('also alone');
    await r.running('a');
    await r.running('b');
    expect(r.started).toEqual(['alone', 'also alone', 'a', 'b']);
    for (const n of ['a', 'b', 'c']) await r.release(n);
    const results = await done;
    expect(results.map((x) => x.status === 'done' && x.value)).toEqual(['a', 'alone', 'b', 'also alone', 'c']);
  });

  test('a task that needs several slots waits for them, and the tasks behind it wait too (no overtaking)', async () => {
    const r = recorder(3);
    const done = schedule([r.task('a'), r.task('b'), r.task('pair', 2), r.task('c')], 3);
    await r.running('b');
    // One slot is free, but 'pair' needs two: 'c' behind it does not take the one.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(r.started).toEqual(['a', 'b']);
    await r.release('a');
    await r.running('pair');
    expect(r.started).toEqual(['a', 'b', 'pair']);
    for (const n of ['b', 'pair', 'c']) await r.release(n);
    await done;
    expect(r.started).toEqual(['a', 'b', 'pair', 'c']);
  });

  test('a task that throws is reported as such and does not stop the others', async () => {
    const results = await schedule(
      [
        { slots: 1, run: async () => { throw new Error('boom'); } },
        { slots: 1, run: async () => 'ok' },
      ],
      1,
    );
    expect(results[0]).toMatchObject({ status: 'threw' });
    expect((results[0] as { error: Error }).error.message).toBe('boom');
    expect(results[1]).toEqual({ status: 'done', value: 'ok' });
  });

  test('once aborted, no task starts and the pending ones are reported not run', async () => {
    const r = recorder(1);
    const abort = new AbortController();
    const done = schedule([r.task('a'), r.task('b'), r.task('c')], 1, abort.signal);
    abort.abort();
    await r.release('a');
    const results = await done;
    expect(r.started).toEqual(['a']);
    expect(results.map((x) => x.status)).toEqual(['done', 'not-run', 'not-run']);
  });
});

test('a signal shared by many schedules (one per --repeat round) is left without their listeners', async () => {
  const controller = new AbortController();
  for (let round = 0; round < 12; round++) {
    await schedule([{ slots: 1, run: async () => round }], 2, controller.signal);
  }
  expect(EventEmitter.getEventListeners(controller.signal, 'abort')).toHaveLength(0);
});

test('the boot gate lets `limit` starts in at once, the next in arrival order as each leaves', async () => {
  const gate = new Gate(2);
  const entered: string[] = [];
  const leaves = new Map<string, () => void>();
  const enter = (name: string) => gate.enter().then((leave) => (entered.push(name), leaves.set(name, leave)));
  const all = ['a', 'b', 'c', 'd'].map(enter);
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  await settle();
  expect(entered).toEqual(['a', 'b']);
  leaves.get('b')!();
  leaves.get('b')!(); // twice is once
  await settle();
  expect(entered).toEqual(['a', 'b', 'c']);
  leaves.get('a')!();
  await Promise.all(all);
  expect(entered).toEqual(['a', 'b', 'c', 'd']);
  leaves.get('c')!();
  leaves.get('d')!();
  await enter('e');
  await enter('f');
  expect(entered.slice(-2)).toEqual(['e', 'f']); // both places free again
});
