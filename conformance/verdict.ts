// From outcomes to statuses and one exit code, computed in one place (kit lessons 1 and 3).
import type { Level } from '../spec/harness/types.ts';
import { findExpectation, type Expectation } from './expectations.ts';
import type { CaseMeta } from './outcome.ts';

export type Status = 'pass' | 'fail' | 'warn' | 'xfail' | 'xpass' | 'unsupported' | 'error';
export const STATUSES: readonly Status[] = ['pass', 'fail', 'warn', 'xfail', 'xpass', 'unsupported', 'error'];

export interface CaseResult {
  id: string;
  class: string;
  level: Level;
  status: Status;
  durationMs: number;
  message: string;
  evidence: Record<string, unknown>;
  expectation?: Expectation;
  /** When the case started (epoch ms): with durationMs, a group's wall time. */
  startedAt?: number;
}

export function statusOf(meta: Pick<CaseMeta, 'outcome' | 'level'>, expectation?: Pick<Expectation, 'intermittent'>): Status {
  const expected = expectation !== undefined;
  switch (meta.outcome) {
    case 'unsupported':
      return 'unsupported';
    case 'error':
      return 'error';
    case 'pass':
      return expected && !expectation?.intermittent ? 'xpass' : 'pass';
    case 'violation':
      if (expected) return 'xfail';
      return meta.level === 'MUST' ? 'fail' : 'warn';
  }
}

export function judge(meta: CaseMeta, durationMs: number, expectations: Expectation[]): CaseResult {
  const expectation = findExpectation(expectations, meta.id, meta.label);
  // An entry that says what its miss looks like covers that miss only: another one is news.
  const seen = expectation?.seen === undefined ? undefined : [expectation.seen].flat();
  const changed = seen !== undefined && meta.outcome === 'violation' && !seen.some((part) => meta.message.includes(part));
  return {
    id: meta.id,
    class: meta.label,
    level: meta.level,
    status: statusOf(meta, changed ? undefined : expectation),
    durationMs,
    message: changed ? `the miss changed: the expectation says ${seen.map((part) => JSON.stringify(part)).join(' or ')}, the case said: ${meta.message}` : meta.message,
    evidence: meta.evidence,
    ...(expectation ? { expectation } : {}),
  };
}

export type Summary = Record<Status, number>;

export function summarize(results: ReadonlyArray<{ status: Status }>): Summary {
  const summary = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Summary;
  for (const r of results) summary[r.status]++;
  return summary;
}

/** Whether a result of this status makes the run unexpected (exit 1, or 2 for error). */
export function failsRun(status: Status, strict = false): boolean {
  return status === 'fail' || status === 'xpass' || status === 'error' || (strict && status === 'warn');
}

/** 0: all as expected; 1: unexpected results (fail, xpass; warn too when strict); 2: errors. */
export function exitCode(summary: Summary, strict = false): 0 | 1 | 2 {
  if (summary.error > 0) return 2;
  if (STATUSES.some((s) => s !== 'error' && summary[s] > 0 && failsRun(s, strict))) return 1;
  return 0;
}

/**
 * Entries that match no (case, class) the spec and the target define at all: stale, to be fixed
 * or removed. An entry merely outside this run's --only/--class selection is not stale.
 */
export function staleExpectations(expectations: Expectation[], known: Array<{ id: string; label: string }>): Expectation[] {
  return expectations.filter((e) => !known.some((k) => findExpectation([e], k.id, k.label)));
}
