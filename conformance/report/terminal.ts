// Human output: a line per result as it arrives (progress), then a summary by group and level.
import type { RunReport } from '../run.ts';
import { STATUSES, type CaseResult, type Status } from '../verdict.ts';

const COLOURS: Record<Status, number> = { pass: 32, fail: 31, warn: 33, xfail: 36, xpass: 35, unsupported: 90, error: 31 };

export function paint(status: Status, text: string, colour: boolean): string {
  return colour ? `\x1b[${COLOURS[status]}m${text}\x1b[0m` : text;
}

export function resultLine(result: CaseResult, colour: boolean): string {
  const tag = paint(result.status, result.status.toUpperCase().padEnd(11), colour);
  const head = `${tag} ${result.id} [${result.class}] ${result.level} ${(result.durationMs / 1000).toFixed(1)}s`;
  const why = result.status === 'pass' ? '' : result.expectation ? `  (expected: ${result.expectation.reason})` : result.message ? `\n            ${result.message.split('\n')[0]}` : '';
  return head + why;
}

export function summaryText(report: RunReport, colour: boolean): string {
  const lines: string[] = [];
  const byGroup = new Map<string, CaseResult[]>();
  for (const r of report.results) {
    const group = r.id.split('.')[0];
    byGroup.set(group, [...(byGroup.get(group) ?? []), r]);
  }
  lines.push('', 'Summary by group and level:');
  for (const [group, results] of byGroup) {
    for (const level of ['MUST', 'SHOULD', 'MAY'] as const) {
      const at = results.filter((r) => r.level === level);
      if (at.length === 0) continue;
      const counts = STATUSES.filter((s) => at.some((r) => r.status === s)).map((s) => paint(s, `${at.filter((r) => r.status === s).length} ${s}`, colour));
      lines.push(`  ${group.padEnd(12)} ${level.padEnd(6)} ${counts.join(', ')}`);
    }
  }
  const problems = report.results.filter((r) => ['fail', 'xpass', 'error', 'warn'].includes(r.status));
  if (problems.length > 0) {
    lines.push('', 'Needs attention:');
    for (const r of problems) {
      lines.push(`  ${paint(r.status, r.status.toUpperCase(), colour)} ${r.id} [${r.class}]: ${r.status === 'xpass' ? 'passes but is listed as expected to fail: remove the expectation' : r.message.split('\n')[0]}`);
    }
  }
  for (const e of report.stale) lines.push(`  STALE expectation ${e.id} [${e.class ?? '*'}]: matches no case of the spec`);
  for (const e of report.harnessErrors) lines.push(`  HARNESS ${e}`);
  const total = STATUSES.map((s) => `${report.summary[s]} ${s}`).join(', ');
  lines.push('', `${total} (${report.results.length} results, classes ${report.classes.map((c) => c.label).join(', ')}) in ${(report.wallMs / 1000).toFixed(1)} s wall time, driver: ${report.driver}`);
  return lines.join('\n');
}
