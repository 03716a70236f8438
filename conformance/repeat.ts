// --repeat: the same suite several times; any (case, class) whose status differs is reported.
import type { RunReport } from './run.ts';

export interface VerdictChange {
  id: string;
  class: string;
  statuses: string[];
}

export function verdictChanges(reports: RunReport[]): VerdictChange[] {
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
