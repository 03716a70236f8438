import net from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { peakOverlap } from '../spec/harness/client.ts';
import { wsgiPath } from '../spec/gateway/support.ts';
import { capacity } from '../spec/concurrency/support.ts';
import { parseStat } from '../conformance/drivers/proc.ts';
import { Connection, formatRequest, WireError } from '../spec/harness/wire.ts';
import { HarnessError } from '../spec/harness/types.ts';
import { Violation } from '../spec/harness/assert.ts';
import { checkProperty } from '../spec/harness/property.ts';
import { defaultConfig, requirementText, type CaseContext } from '../spec/harness/case.ts';
import { heartbeatTimeout } from '../spec/lifecycle/heartbeat-timeout.ts';
import { eventually, holds, TimedOut } from '../spec/harness/eventually.ts';

describe('peakOverlap', () => {
  test('counts the most intervals open at one instant; touching ones do not overlap', () => {
    expect(peakOverlap([])).toBe(0);
    expect(peakOverlap([{ pid: 1, start: 0, end: 10 }, { pid: 1, start: 10, end: 20 }])).toBe(1);
    expect(peakOverlap([{ pid: 1, start: 0, end: 10 }, { pid: 2, start: 5, end: 15 }, { pid: 3, start: 6, end: 7 }])).toBe(3);
  });
  test('never exceeds the number of intervals and is at least 1 for a non-empty set (property)', () => {
    const interval = fc.tuple(fc.nat(1000), fc.integer({ min: 1, max: 500 })).map(([start, len]) => ({ pid: 0, start, end: start + len }));
    fc.assert(fc.property(fc.array(interval, { minLength: 1, maxLength: 20 }), (xs) => {
      const peak = peakOverlap(xs);
      return peak >= 1 && peak <= xs.length;
    }), { numRuns: 200, seed: 1 });
  });
});

describe('a requirement that is a function of its server\'s configuration', () => {
  test('reads with the kit\'s defaults and the case\'s server; with another timeout, its numbers follow', () => {
    expect(requirementText(heartbeatTimeout)).toMatch(/and timeout \+ 3 s after the stop \(timeout 2: 1 to 5 s\)\.$/);
    expect(requirementText(heartbeatTimeout, { ...defaultConfig('sync'), timeout: 3 })).toMatch(/\(timeout 3: 1\.5 to 6 s\)\.$/);
    expect(requirementText({ requirement: 'plain' })).toBe('plain');
  });
});

describe('wsgiPath', () => {
  test('percent-decodes to bytes read as latin-1', () => {
    expect(wsgiPath('a%2Fb')).toBe('a/b');
    expect(wsgiPath('%C3%A9')).toBe('Ã©');
    expect(wsgiPath('100%')).toBe('100%');
    expect(wsgiPath('%zz')).toBe('%zz');
  });
});

describe('capacity formula', () => {
  test('per class', () => {
    const c = { workers: 2, threads: 3, connections: 2 };
    expect(capacity('sync', { ...c, threads: 1 })).toBe(2);
    expect(capacity('sync', c)).toBe(4); // promoted to gthread
    expect(capacity('gthread', c)).toBe(4);
    expect(capacity('async', c)).toBe(4);
  });
});

describe('parseStat', () => {
  test('cuts at the last parenthesis: command names may hold spaces and ")"', () => {
    const line = '4242 (a (b) c) S 17 4242 4242 0 -1 4194560 1 0 0 0 7 5 0 0 20 0 1 0 987654 0 0';
    expect(parseStat(line)).toEqual({ pid: 4242, state: 'S', ppid: 17, pgid: 4242, startTicks: 987654, cpuTicks: 12 });
  });
});

describe('eventually', () => {
  test('returns the first truthy value and names what it awaited on timeout', async () => {
    let n = 0;
    expect(await eventually(() => ++n >= 3 && n, { within: 1000, every: 1, what: 'three' })).toBe(3);
    await expect(eventually(() => false, { within: 30, every: 5, what: 'never' })).rejects.toThrow(TimedOut);
  });
  test('a timeout says what was observed, never "last seen: false"', async () => {
    await expect(eventually(() => false, { within: 20, every: 5, what: 'two workers' })).rejects.toThrow(/^expected two workers within 20 ms; last seen: the condition never held$/);
    await expect(eventually(() => null, { within: 20, every: 5, what: 'the master to exit', seen: () => 'the master (pid 7) is still running' })).rejects.toThrow(
      /; last seen: the master \(pid 7\) is still running$/,
    );
    await expect(eventually(() => Promise.reject(new WireError('ECONNREFUSED')), { within: 20, every: 5, what: 'a connection' })).rejects.toThrow(/last seen: ECONNREFUSED$/);
    await expect(eventually(() => false, { within: 20, every: 5, what: 'x', seen: () => ({ workers: [1, 2, 3] }) })).rejects.toThrow(/last seen: \{"workers":\[1,2,3\]\}$/);
  });
  test("whose fault: an error of the kit's on the last try is thrown as itself, never as the server's timeout", async () => {
    const bug = eventually(() => (undefined as unknown as { x: number }).x, { within: 20, every: 5, what: 'x' });
    await expect(bug).rejects.toThrow(TypeError);
    const blind = eventually(() => Promise.reject(new HarnessError('cannot read the process table')), { within: 20, every: 5, what: 'two workers' });
    await expect(blind).rejects.toThrow(HarnessError);
    await expect(eventually(() => Promise.reject(new HarnessError('once')).catch(() => false), { within: 20, every: 5, what: 'y' })).rejects.toThrow(TimedOut);
  });
  test('a property that fails by a bug in the kit is the kit\'s error, not a counterexample of the server', async () => {
    const t = { id: 'x.y', label: 'sync', seed: 1, evidence: () => undefined } as unknown as CaseContext;
    await expect(checkProperty(t, fc.asyncProperty(fc.nat(), async () => { throw new TypeError('oops'); }), { numRuns: 3, timeLimitMs: 1000 })).rejects.toThrow(TypeError);
    await expect(checkProperty(t, fc.asyncProperty(fc.nat(), async () => { throw new Violation('the server did it'); }), { numRuns: 3, timeLimitMs: 1000 })).rejects.toThrow(
      /property failed after 1 run\(s\): the server did it/,
    );
  });
  test('holds says when the condition stopped and what was observed then', async () => {
    let n = 0;
    await expect(holds(() => ++n < 3, { within: 1000, every: 1, what: 'the count at 3', seen: () => '4 worker(s)' })).rejects.toThrow(
      /^expected the count at 3 to hold for 1000 ms; it stopped holding after \d+ ms: 4 worker\(s\)$/,
    );
  });
});

describe('time bounds: one scaling rule', () => {
  test('checkTiming scales the upper bound by the multiplier, never the lower one', async () => {
    const { checkTiming, Violation } = await import('../spec/harness/assert.ts');
    const { setTimeoutMultiplier } = await import('../spec/harness/eventually.ts');
    try {
      setTimeoutMultiplier(2);
      expect(() => checkTiming(2500, 1000, 1500, 'ms to the kill')).not.toThrow();
      expect(() => checkTiming(3100, 1000, 1500, 'ms to the kill')).toThrow(/ms to the kill: expected between 1000 and 3000 ms \(1500 scaled\), got 3100/);
      expect(() => checkTiming(900, 1000, 1500, 'ms to the kill')).toThrow(Violation);
      setTimeoutMultiplier(1);
      expect(() => checkTiming(2500, 1000, 1500, 'ms to the kill')).toThrow(/expected between 1000 and 1500 ms, got 2500$/);
    } finally {
      setTimeoutMultiplier(1);
    }
  });
  test('waitUntil lets time pass to a moment; deadlineIn is a scaled bound', async () => {
    const { deadlineIn, setTimeoutMultiplier, waitUntil } = await import('../spec/harness/eventually.ts');
    const started = Date.now();
    await waitUntil(started + 60);
    expect(Date.now() - started).toBeGreaterThanOrEqual(59);
    await waitUntil(started); // a moment already past returns at once
    setTimeoutMultiplier(3);
    try {
      const deadline = deadlineIn(20);
      expect(deadline.ms).toBe(60);
      expect(deadline.passed()).toBe(false);
      await waitUntil(Date.now() + 61);
      expect(deadline.passed()).toBe(true);
    } finally {
      setTimeoutMultiplier(1);
    }
  });
});

describe('wire client', () => {
  let server: net.Server | undefined;
  afterEach(() => server?.close());
  const serve = (handler: (s: net.Socket) => void) =>
    new Promise<number>((resolve) => {
      server = net.createServer(handler).listen(0, '127.0.0.1', () => resolve((server!.address() as net.AddressInfo).port));
    });

  test('reads interim 1xx, chunked bodies with trailers, and duplicate headers as sent', async () => {
    const port = await serve((s) =>
      s.end('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-A: 1\r\nx-a: 2\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: t\r\n\r\n'),
    );
    const c = await Connection.open('127.0.0.1', port);
    const r = await c.readResponse();
    expect(r.interim).toEqual([{ status: 100, reason: 'Continue' }]);
    expect(r.headers.filter(([n]) => n.toLowerCase() === 'x-a')).toEqual([['X-A', '1'], ['x-a', '2']]);
    expect(r.body.toString()).toBe('abc');
    expect(r.framing).toBe('chunked');
    c.destroy();
  });

  test('tells a reset from an orderly close', async () => {
    const port = await serve((s) => s.once('data', () => s.resetAndDestroy()));
    const c = await Connection.open('127.0.0.1', port);
    await c.write(formatRequest({}, 'x'));
    expect(await c.waitClosed(2000)).toBe('reset');
  });

  test('a truncated chunked body is an error, not a short success', async () => {
    const port = await serve((s) => s.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\npartial\r\n'));
    const c = await Connection.open('127.0.0.1', port);
    await expect(c.readResponse({ timeoutMs: 2000 })).rejects.toThrow(/closed while reading a chunk size/);
  });

  test('formatRequest writes exactly what it is given, adding Host and Content-Length only when missing', () => {
    expect(formatRequest({ method: 'POST', target: '/x', body: 'hi' }, 'h:1').toString()).toBe('POST /x HTTP/1.1\r\nHost: h:1\r\nContent-Length: 2\r\n\r\nhi');
    expect(formatRequest({ host: false, headers: [['Transfer-Encoding', 'chunked']], body: '0\r\n\r\n' }, 'h').toString()).toBe('GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
  });
});
