// The master's decisions as data (issue 25 #5): which workers to spawn and which to retire, the
// control channel's framing, and which failures of kill() are normal.
import { describe, expect, test } from 'vitest';
import { frameMessage, MessageReader } from '../../reference/boot-contract.ts';
import { signalProcess, workerPlan, type WorkerState } from '../../reference/worker-policy.ts';

const w = (age: number, ready = true, retiring = false): WorkerState => ({ age, ready, retiring });

describe('workerPlan: keep N, never below N ready while new workers load', () => {
  test.each<[string, WorkerState[], number, { spawn: number; retire: number[] }]>([
    ['as many as asked', [w(1), w(2)], 2, { spawn: 0, retire: [] }],
    ['one died: one more', [w(2)], 2, { spawn: 1, retire: [] }],
    ['at start: all of them', [], 3, { spawn: 3, retire: [] }],
    ['a reload, the new ones loading: the old ones stay', [w(1), w(2), w(3, false), w(4, false)], 2, { spawn: 0, retire: [] }],
    ['a reload, one new one ready: the oldest leaves', [w(1), w(2), w(3), w(4, false)], 2, { spawn: 0, retire: [1] }],
    ['a reload, both ready: both old ones leave, oldest first', [w(2), w(1), w(4), w(3)], 2, { spawn: 0, retire: [1, 2] }],
    ['TTOU: the oldest leaves', [w(1), w(2), w(3)], 2, { spawn: 0, retire: [1] }],
    ['one already leaving is not counted', [w(1, true, true), w(2), w(3)], 2, { spawn: 0, retire: [] }],
    ['an old one still loading leaves at once', [w(1, false), w(2), w(3)], 2, { spawn: 0, retire: [1] }],
    ['TTIN while one leaves: a new one', [w(1, true, true), w(2)], 2, { spawn: 1, retire: [] }],
  ])('%s', (_name, workers, target, plan) => {
    expect(workerPlan(workers, target)).toEqual(plan);
  });
});

describe('the control channel: messages ended by a NUL byte, UTF-8 across chunks', () => {
  test('whole, split, several in one chunk, a character cut between chunks', () => {
    const reader = new MessageReader();
    const bytes = Buffer.from(frameMessage('ready') + frameMessage('stack at f (/srv/café.ts:3:1)\n') + frameMessage('ready'));
    const cut = bytes.indexOf(Buffer.from('é')) + 1; // inside the two bytes of "é"
    expect(reader.push(bytes.subarray(0, 3))).toEqual([]);
    expect(reader.push(bytes.subarray(3, cut))).toEqual(['ready']);
    expect(reader.push(bytes.subarray(cut))).toEqual(['stack at f (/srv/café.ts:3:1)\n', 'ready']);
    expect(reader.push(Buffer.alloc(0))).toEqual([]);
  });
});

describe('signalProcess: a gone process is normal, anything else is said', () => {
  const failing = (code: string) => () => {
    throw Object.assign(new Error(code), { code });
  };
  test.each<[string, (pid: number, signal: NodeJS.Signals) => void, boolean, RegExp | null]>([
    ['sent', () => undefined, true, null],
    ['already gone (ESRCH)', failing('ESRCH'), false, null],
    ['not ours (EPERM)', failing('EPERM'), false, /could not send SIGTERM to 42: EPERM/],
  ])('%s', (_name, send, sent, said) => {
    const lines: string[] = [];
    expect(signalProcess(42, 'SIGTERM', send, (line) => lines.push(line))).toBe(sent);
    if (said) expect(lines).toEqual([expect.stringMatching(said)]);
    else expect(lines).toEqual([]);
  });
});
