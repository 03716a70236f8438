// --repeat: the same suite several times; any (case, class) whose status differs is reported.
import type { Expectation } from './expectations.ts';

export interface VerdictChange {
  id: string;
  class: string;
  statuses: string[];
}

/** Runs of one plan (a RunReport, or the results of a saved report). */
type Round = { results: ReadonlyArray<{ id: string; class: string; status: string; expectation?: Pick<Expectation, 'intermittent'> }> };

/**
 * The seed of a round: the first round's is the run's; each later one draws its own, so that a
 * property case meets other inputs (a verdict that depends on them then shows as a change, and
 * `expectations --update` marks it intermittent). A seed given on the command line is a replay:
 * every round keeps it.
 */
export function roundSeed(first: number, round: number, given: boolean): number {
  if (given || round === 1) return first;
  // A fixed odd step modulo 2^31: distinct seeds for any repeat count one would ask for.
  return (first + (round - 1) * 0x2545f491) % 2 ** 31;
}

export function verdictChanges(reports: ReadonlyArray<Round>): VerdictChange[] {
  const seen = new Map<string, VerdictChange>();
  reports.forEach((report, round) => {
    for (const r of report.results) {
      const key = `${r.id} [${r.class}]`;
      const entry = seen.get(key) ?? { id: r.id, class: r.class, statuses: Array<string>(reports.length).fill('missing') };
      // Under an intermittent expectation, pass and xfail are the same verdict: "as expected".
      entry.statuses[round] = r.expectation?.intermittent && (r.status === 'pass' || r.status === 'xfail') ? 'pass|xfail' : r.status;
      seen.set(key, entry);
    }
  });
  return [...seen.values()].filter((c) => new Set(c.statuses).size > 1);
}
