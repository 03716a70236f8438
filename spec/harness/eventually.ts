// Polling, never fixed sleeps: a condition is awaited "eventually within T", and every T in the
// kit is scaled by one global multiplier (--timeout-multiplier) so slow machines stay green.

import { ServerFault, UnmetPremise } from './fault.ts';
let multiplier = 1;

export function setTimeoutMultiplier(value: number): void {
  if (!(value > 0)) throw new RangeError(`timeout multiplier must be > 0, got ${value}`);
  multiplier = value;
}

/** A time bound in ms, scaled by the global multiplier. */
export function scaled(ms: number): number {
  return ms * multiplier;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface PollOptions {
  /** Upper bound in ms (before scaling). */
  within: number;
  /** Poll interval in ms (not scaled: it is a resolution, not a bound). */
  every?: number;
  /** What was awaited, for the failure message. */
  what: string;
  /**
   * What was observed instead, for the failure message (called once, at the deadline): a probe
   * that answers true/false says nothing by its last value, so the case says what it saw.
   */
  seen?: () => unknown | Promise<unknown>;
}

/** A last observation in words: a message, a string as is, other values as JSON. */
async function describeSeen(last: unknown, seen?: PollOptions['seen']): Promise<string> {
  if (seen) {
    try {
      const value = await seen();
      return typeof value === 'string' ? value : JSON.stringify(value);
    } catch (error) {
      return `(could not observe: ${(error as Error).message})`;
    }
  }
  if (last instanceof Error) return last.message;
  if (last === false || last === null || last === undefined || last === '') return 'the condition never held';
  return JSON.stringify(last);
}

export class TimedOut extends ServerFault {
  override name = 'TimedOut';
}

/**
 * Resolves with the first truthy value `probe` returns within the bound; rejects with TimedOut
 * naming `what` and the last value or error seen otherwise.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  { within, every = 20, what, seen }: PollOptions,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + scaled(within);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      if (error instanceof UnmetPremise) throw error; // no wait makes a premise true
      last = error;
    }
    if (Date.now() >= deadline) {
      // The kit could not look (a HarnessError, a TypeError on the last try): no verdict on the server.
      if (last instanceof Error && !(last instanceof ServerFault)) throw last;
      const expected = `${what} within ${scaled(within)} ms`;
      const actual = await describeSeen(last, seen);
      throw new TimedOut(`expected ${expected}; last seen: ${actual}`, { expected, actual });
    }
    await pause(every);
  }
}

/**
 * Lets time pass until the clock reads `at` (epoch ms): for a case that must hold a state for a
 * while (a stopped worker's stall window). A moment the case chose, not a bound: never scaled.
 */
export async function waitUntil(at: number): Promise<void> {
  const left = at - Date.now();
  if (left > 0) await pause(left);
}

/** A deadline `ms` from now, scaled like every bound: for loops that poll by hand. */
export function deadlineIn(ms: number): { readonly ms: number; passed(): boolean } {
  const bound = scaled(ms);
  const at = Date.now() + bound;
  return { ms: bound, passed: () => Date.now() >= at };
}

/** The opposite question: `probe` stays truthy for the whole window, else TimedOut. */
export async function holds(
  probe: () => unknown | Promise<unknown>,
  { within, every = 50, what, seen }: PollOptions,
): Promise<void> {
  const started = Date.now();
  const deadline = started + scaled(within);
  while (Date.now() < deadline) {
    if (!(await probe())) {
      const after = `it stopped holding after ${Date.now() - started} ms`;
      const expected = `${what} to hold for ${scaled(within)} ms`;
      const actual = seen ? `${after}: ${await describeSeen(undefined, seen)}` : after;
      throw new TimedOut(`expected ${expected}; ${actual}`, { expected, actual });
    }
    await pause(every);
  }
}
