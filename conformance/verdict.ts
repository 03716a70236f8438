// From outcomes to statuses and one exit code, computed in one place (kit lessons 1 and 3).
import type { Level } from '../spec/harness/types.ts';
import { findExpectation, type Expectation } from './expectations.ts';
import type { AsRun, CaseMeta } from './outcome.ts';

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
  /** A failed comparison's two sides (a check that compared values, or a wait that timed out). */
  expected?: unknown;
  actual?: unknown;
  /** The requirement with the values the case's server got, where the target's bounds moved them. */
  asRun?: AsRun;
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
    ...('expected' in meta ? { expected: meta.expected, actual: meta.actual } : {}),
    ...(meta.asRun ? { asRun: meta.asRun } : {}),
    ...(expectation ? { expectation } : {}),
  };
}

export type Summary = Record<Status, number>;

export function summarize(results: ReadonlyArray<{ status: Status }>): Summary {
  const summary = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Summary;
  for (const r of results) summary[r.status]++;
  return summary;
}

/**
 * What a person must look at, worst first: what fails the run, what the kit could not judge,
 * SHOULDs missed. The same set with or without --strict (which decides only what fails the run).
 */
export const NEEDS_ATTENTION: readonly Status[] = ['fail', 'xpass', 'error', 'warn'];

/** What to do about an unexpected pass (xpass), said the same way in every view. */
export const XPASS_ADVICE = 'passes but is listed as expected to miss: remove the expectation, or mark it "intermittent" if --repeat shows it misses only sometimes';

/** A result as every view has it (a report read back has its level as text). */
export interface Judged {
  status: Status;
  level: string;
}

/**
 * Whether a result makes the run unexpected: a fail, an error, an unexpected pass of a MUST; with
 * --strict also a SHOULD missed (warn) or passing against its expectation. A SHOULD's unexpected
 * pass is reported without failing the run, so that a SHOULD that holds only sometimes (one
 * entry, then a pass) cannot turn a run red where its miss did not.
 */
export function failsRun(result: Judged, strict = false): boolean {
  switch (result.status) {
    case 'fail':
    case 'error':
      return true;
    case 'warn':
      return strict;
    case 'xpass':
      return strict || result.level === 'MUST';
    default:
      return false;
  }
}

/** 0: all as expected; 1: unexpected results (see failsRun); 2: errors. */
export function exitCode(results: readonly Judged[], strict = false): 0 | 1 | 2 {
  if (results.some((r) => r.status === 'error')) return 2;
  return results.some((r) => failsRun(r, strict)) ? 1 : 0;
}

/**
 * Entries that match no (case, class) the spec and the target define at all: stale, to be fixed
 * or removed. An entry merely outside this run's --only/--class selection is not stale.
 */
export function staleExpectations(expectations: Expectation[], known: Array<{ id: string; label: string }>): Expectation[] {
  return expectations.filter((e) => !known.some((k) => findExpectation([e], k.id, k.label)));
}
