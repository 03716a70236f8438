// Assertions for cases. A Violation is the server's fault (verdict fail, or warn for a SHOULD);
// any HarnessError is the kit's (verdict error). Cases stay free of any test framework.
import { isDeepStrictEqual, inspect } from 'node:util';
import { scaled } from './eventually.ts';
import { ServerFault } from './fault.ts';

export class Violation extends ServerFault {
  override name = 'Violation';
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Violation(message);
}

export function checkEqual<T>(actual: T, expected: T, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Violation(`${what}: expected ${inspect(expected)}, got ${inspect(actual)}`, { expected, actual });
  }
}

/**
 * A timing window in ms: not before `earliest` (what the server promises not to do sooner: never
 * scaled, a slow machine makes things late, not early) and by `latest` (a bound: scaled by
 * --timeout-multiplier, as every bound is).
 */
export function checkTiming(elapsedMs: number, earliest: number, latest: number, what: string): void {
  const bound = scaled(latest);
  if (!(elapsedMs >= earliest && elapsedMs <= bound)) {
    throw new Violation(`${what}: expected between ${earliest} and ${bound} ms${bound !== latest ? ` (${latest} scaled)` : ''}, got ${elapsedMs}`, { expected: { between: [earliest, bound], unit: 'ms' }, actual: elapsedMs });
  }
}

/** A count in a range (responses, workers): no time in it, so nothing is scaled. */
export function checkBetween(value: number, low: number, high: number, what: string): void {
  if (!(value >= low && value <= high)) {
    throw new Violation(`${what}: expected between ${low} and ${high}, got ${value}`, { expected: { between: [low, high] }, actual: value });
  }
}
