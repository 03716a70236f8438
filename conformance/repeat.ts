// --repeat: the same suite several times; any (case, class) whose status differs is reported.
import type { Expectation } from './expectations.ts';

export interface VerdictChange {
  id: string;
  class: string;
  statuses: string[];
}

/** Runs of one plan (a RunReport, or the results of a saved report). */
type Round = { results: ReadonlyArray<{ id: string; class: string; status: string; expectation?: Pick<Expectation, 'intermittent'> }> };

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
