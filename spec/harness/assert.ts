// Assertions for cases. A Violation is the server's fault (verdict fail, or warn for a SHOULD);
// any HarnessError is the kit's (verdict error). Cases stay free of any test framework.
import { isDeepStrictEqual, inspect } from 'node:util';

export class Violation extends Error {
  override name = 'Violation';
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Violation(message);
}

export function checkEqual<T>(actual: T, expected: T, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Violation(`${what}: expected ${inspect(expected)}, got ${inspect(actual)}`);
  }
}

export function checkBetween(value: number, low: number, high: number, what: string): void {
  if (!(value >= low && value <= high)) {
    throw new Violation(`${what}: expected between ${low} and ${high}, got ${value}`);
  }
}
