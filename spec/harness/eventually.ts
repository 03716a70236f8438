// Polling, never fixed sleeps: a condition is awaited "eventually within T", and every T in the
// kit is scaled by one global multiplier (--timeout-multiplier) so slow machines stay green.

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
}

export class TimedOut extends Error {
  override name = 'TimedOut';
}

/**
 * Resolves with the first truthy value `probe` returns within the bound; rejects with TimedOut
 * naming `what` and the last value or error seen otherwise.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  { within, every = 20, what }: PollOptions,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + scaled(within);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new TimedOut(`expected ${what} within ${scaled(within)} ms; last seen: ${seen}`);
    }
    await pause(every);
  }
}

/** The opposite question: `probe` stays truthy for the whole window, else TimedOut. */
export async function holds(
  probe: () => unknown | Promise<unknown>,
  { within, every = 50, what }: PollOptions,
): Promise<void> {
  const deadline = Date.now() + scaled(within);
  while (Date.now() < deadline) {
    if (!(await probe())) throw new TimedOut(`expected ${what} to hold for ${scaled(within)} ms`);
    await pause(every);
  }
}
