// The JSON report: the contract other tools parse (names fixed by the kit issue; add, never rename).
import type { Target } from '../manifest.ts';
import type { RunReport } from '../run.ts';

export const KIT = { name: 'prefork-conformance-kit', version: '0.1.0' };

export function jsonReport(report: RunReport, target: Target, extra: Record<string, unknown> = {}) {
  return {
    kit: KIT,
    target: { name: target.manifest.name, version: target.manifest.version, driver: report.driver },
    summary: report.summary,
    wallMs: report.wallMs,
    classes: report.classes.map((c) => c.label),
    results: report.results.map((r) => ({
      id: r.id,
      class: r.class,
      level: r.level,
      status: r.status,
      durationMs: Math.round(r.durationMs),
      message: r.message,
      evidence: r.evidence,
      ...(r.expectation ? { expectation: { reason: r.expectation.reason, link: r.expectation.link } } : {}),
    })),
    stale: report.stale,
    harnessErrors: report.harnessErrors,
    ...extra,
  };
}
