// Property tests inside cases: bounded in runs and time, seeded from the run's seed, and on a
// counterexample they report seed and path; the result's replay command runs it again (kit lesson 8).
import fc from 'fast-check';
import { Violation } from './assert.ts';
import { scaled } from './eventually.ts';
import { ServerFault } from './fault.ts';
import type { CaseContext } from './case.ts';

export interface PropertyBounds {
  numRuns: number;
  /** Stop generating new runs after this long (ms, scaled); runs already done still count. */
  timeLimitMs: number;
  /** Skip shrinking (for properties that start servers: each shrink step is expensive). */
  noShrink?: boolean;
}

export async function checkProperty<Ts extends [unknown, ...unknown[]]>(
  t: CaseContext,
  property: fc.IAsyncProperty<Ts>,
  bounds: PropertyBounds,
): Promise<void> {
  const details = await fc.check(property, {
    seed: t.seed,
    numRuns: bounds.numRuns,
    interruptAfterTimeLimit: scaled(bounds.timeLimitMs),
    markInterruptAsFailure: false,
    endOnFailure: bounds.noShrink ?? false,
  });
  t.evidence('property', { seed: details.seed, runs: details.numRuns, interrupted: details.interrupted });
  if (!details.failed) return;
  const cause = 'errorInstance' in details ? details.errorInstance : 'too many skipped runs';
  t.evidence('counterexample', fc.stringify(details.counterexample));
  // A counterexample is the server's only when what failed was (a check, a wait, the wire).
  if (cause instanceof Error && !(cause instanceof ServerFault)) throw cause;
  const error = cause instanceof Error ? cause.message : String(cause);
  const path = 'counterexamplePath' in details ? details.counterexamplePath : '';
  throw new Violation(
    `property failed after ${details.numRuns} run(s): ${error}\n` +
      `counterexample: ${fc.stringify(details.counterexample)}\n` +
      // The result's own replay line (the run's seed is this property's) is the runnable one.
      `seed ${details.seed}, path "${path}" (the replay line runs it again)`,
  );
}
