// The plain data that crosses from a vitest worker to the runner: one per case and class.
import type { Level } from '../spec/harness/types.ts';
import type { Target } from './manifest.ts';
import type { Plan } from './plan.ts';

/** What happened, before levels and expectations turn it into a status. */
export type Outcome = 'pass' | 'violation' | 'error' | 'unsupported';

export interface CaseMeta {
  id: string;
  label: string;
  level: Level;
  outcome: Outcome;
  message: string;
  evidence: Record<string, unknown>;
  seed: number;
}

/** What the runner hands every vitest worker through provide()/inject(). */
export interface RunContext {
  target: Target;
  /** What to run: a worker registers exactly these (case, class) pairs of its group. */
  plan: Plan;
  seed: number;
  timeoutMultiplier: number;
  /** The driver every case of this run uses (drivers/registry.ts): `auto` is resolved before the run starts. */
  driver: string;
  /** What the driver prepared once for the run (plain data), handed to its create(). */
  driverContext?: unknown;
}

declare module 'vitest' {
  interface ProvidedContext {
    conform: RunContext;
  }
}

// TaskMeta is declared in @vitest/runner and only re-exported by vitest: augmenting it through
// 'vitest' merges or not depending on the order tsc meets the files, so augment it at home.
declare module '@vitest/runner' {
  interface TaskMeta {
    conform?: CaseMeta;
  }
}
