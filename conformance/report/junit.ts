// JUnit XML with unique test names ("id [class]"): CI systems key results by name.
import type { RunReport } from '../run.ts';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string)
    // XML 1.0 forbids most control characters even when escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

export function junitReport(report: RunReport, targetName: string): string {
  const groups = new Map<string, RunReport['results']>();
  for (const r of report.results) {
    const group = r.id.split('.')[0];
    groups.set(group, [...(groups.get(group) ?? []), r]);
  }
  const suites = [...groups].map(([group, results]) => {
    const failures = results.filter((r) => r.status === 'fail' || r.status === 'xpass').length;
    const errors = results.filter((r) => r.status === 'error').length;
    const skipped = results.filter((r) => ['unsupported', 'xfail', 'warn'].includes(r.status)).length;
    const cases = results.map((r) => {
      const name = escape(`${r.id} [${r.class}]`);
      const time = (r.durationMs / 1000).toFixed(3);
      const message = escape(r.message);
      const body =
        r.status === 'fail' || r.status === 'xpass'
          ? `<failure message="${escape(r.status === 'xpass' ? 'unexpected pass' : r.message.split('\n')[0])}">${message}</failure>`
          : r.status === 'error'
            ? `<error message="${escape(r.message.split('\n')[0])}">${message}</error>`
            : r.status === 'pass'
              ? ''
              : `<skipped message="${escape(`${r.status}: ${r.expectation?.reason ?? r.message}`)}"/>`;
      return `    <testcase classname="${escape(`${targetName}.${group}`)}" name="${name}" time="${time}">${body}</testcase>`;
    });
    return `  <testsuite name="${escape(group)}" tests="${results.length}" failures="${failures}" errors="${errors}" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escape(targetName)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
