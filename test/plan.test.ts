// The one plan: which (case, class) pairs a run executes, and how --shard deals it out.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { caseCatalog } from '../conformance/catalog.ts';
import { KIT_DIR, loadTarget } from '../conformance/manifest.ts';
import { makePlan, parseShard, planGroups } from '../conformance/plan.ts';

const gunicorn = loadTarget(path.join(KIT_DIR, 'fixtures', 'targets', 'gunicorn'));
const reference = loadTarget(path.join(KIT_DIR, 'fixtures', 'targets', 'reference'));
const key = (r: { id: string; label: string }) => `${r.id} [${r.label}]`;

describe('plan', () => {
  test('every case once per declared class it applies to, in spec order', () => {
    const plan = makePlan(gunicorn, { only: [], skip: [] });
    const expected = caseCatalog().flatMap((c) => ['sync', 'gthread', 'async'].filter((k) => c.classes.includes(k as never)).map((label) => `${c.id} [${label}]`));
    expect(plan.runs.map(key)).toEqual(expected);
    expect(plan.classes.map((c) => c.label)).toEqual(['sync', 'gthread', 'async']);
  });
  test('extra classes by name; what the target lacks is marked unsupported with the manifest field, not dropped', () => {
    const plan = makePlan(gunicorn, { classes: ['eventlet'], only: ['lifecycle.parent-death'], skip: [] });
    expect(plan.runs.map(key)).toEqual(['lifecycle.parent-death [eventlet]']);
    const start = makePlan(reference, { only: ['gateway.response.start-response-twice'], skip: [] });
    expect(start.runs.every((r) => r.unsupported === "a case of the wsgi gateway profile; the target's gateway is fetch")).toBe(true);
    const bare = { ...gunicorn, manifest: { ...gunicorn.manifest, profiles: [], capabilities: [], limits: {}, operations: { gracefulStop: 'SIGTERM' } } };
    const why = (id: string) => makePlan(bare, { only: [id], skip: [], classes: ['sync'] }).runs[0].unsupported;
    expect(why('concurrency.sync-threads-promote-gthread')).toBe('a case of the gunicorn profile, which the target does not claim ("profiles")');
    expect(why('lifecycle.heartbeat-timeout')).toBe('the target does not declare heartbeat');
    expect(why('signals.hup-reload')).toBe('the target declares no way to ask for operations.reload');
    expect(why('http.limit-header-count')).toBe('the target declares no limits.headerFields (nor a {limitRequestFields} placeholder)');
    expect(why('signals.term-graceful')).toBeUndefined();
    expect(why('http.chunked-response')).toBeUndefined();
    // A setting the command never sets is one the server lacks: its case is not judged.
    const noGrace = { ...bare, manifest: { ...bare.manifest, command: bare.manifest.command.filter((w) => w !== '{gracefulTimeout}' && w !== '--graceful-timeout') } };
    expect(makePlan(noGrace, { only: ['signals.term-graceful-timeout'], skip: [], classes: ['sync'] }).runs[0].unsupported).toBe(
      "the target's manifest sets no {gracefulTimeout}: a setting the server lacks (or the kit cannot set) is not judged",
    );
    expect(why('signals.term-graceful-timeout')).toBeUndefined();
  });
  test('a profile claimed, an operation declared and a limit set by placeholder make a case apply', () => {
    expect(makePlan(reference, { only: ['http.limit-*', 'signals.*', 'concurrency.capacity-formula'], skip: [] }).runs.filter((r) => r.unsupported)).toEqual([]);
  });
  test('a selection that matches nothing names what was probably meant', () => {
    expect(() => makePlan(gunicorn, { only: ['lifecycle'], skip: [] })).toThrow(/did you mean "lifecycle.\*" \(a group needs ".\*"\)/);
    expect(() => makePlan(gunicorn, { only: ['http.keepalivx'], skip: [] })).toThrow(/no case matches/);
    expect(() => makePlan(gunicorn, { only: ['respawn'], skip: [] })).toThrow(/did you mean lifecycle.respawn/);
  });
  test('shards are disjoint, cover the plan, are stable, and each holds part of every big group', () => {
    const whole = makePlan(gunicorn, { only: [], skip: [] }).runs.map(key);
    const shards = [1, 2, 3, 4].map((index) => makePlan(gunicorn, { only: [], skip: [], shard: { index, count: 4 } }));
    expect(shards.flatMap((s) => s.runs.map(key)).sort()).toEqual([...whole].sort());
    expect(new Set(shards.flatMap((s) => s.runs.map(key))).size).toBe(whole.length);
    expect(makePlan(gunicorn, { only: [], skip: [], shard: { index: 3, count: 4 } }).runs).toEqual(shards[2].runs);
    for (const shard of shards) {
      expect(Math.abs(shard.runs.length - whole.length / 4)).toBeLessThanOrEqual(1);
      expect(planGroups(shard)).toEqual(expect.arrayContaining(['lifecycle', 'signals', 'http', 'gateway']));
    }
  });
  test('--shard takes i/n only', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1', 'a/b', '1/0', '-1/2']) expect(() => parseShard(bad)).toThrow(/expected i\/n/);
  });
});
