// What a (case, class) run leaves for its verdict, before levels and expectations turn it into a
// status (verdict.ts).
import type { Level } from '../spec/harness/types.ts';

/** What happened. */
export type Outcome = 'pass' | 'violation' | 'error' | 'unsupported';

export interface AsRun {
  requirement: string;
  /** "timeout 3 (asked 2: the target's settings bounds)" */
  moved: string[];
}

export interface CaseMeta {
  id: string;
  label: string;
  level: Level;
  outcome: Outcome;
  message: string;
  evidence: Record<string, unknown>;
  /** A failed comparison's two sides (ServerFault.compared), as plain data. */
  expected?: unknown;
  actual?: unknown;
  /**
   * Where the target's settings bounds moved a setting the case asked for: each move, and the
   * requirement read with the values its first server got.
   */
  asRun?: AsRun;
  seed: number;
}
