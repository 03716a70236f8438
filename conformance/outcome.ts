// What a (case, class) run leaves for its verdict, before levels and expectations turn it into a
// status (verdict.ts).
import type { Level } from '../spec/harness/types.ts';

/** What happened. */
export type Outcome = 'pass' | 'violation' | 'error' | 'unsupported';

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
  seed: number;
}
