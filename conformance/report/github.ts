// CI-native output for GitHub Actions (GITHUB_ACTIONS=true): one workflow annotation per
// unexpected result, placed on the line of spec/ that defines the case, and a Markdown summary
// for the job page ($GITHUB_STEP_SUMMARY).
import { caseInfo } from '../catalog.ts';
import { failsRun, STATUSES, XPASS_ADVICE } from '../verdict.ts';
import type { RunDoc } from './document.ts';

// Workflow commands: data escapes %, CR, LF; properties also ':' and ','.
const data = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const property = (s: string) => data(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

/** ::error for what fails the run, ::warning for a SHOULD missed or unexpectedly passing without --strict, and stale entries. */
export function annotations(run: RunDoc, strict: boolean): string[] {
  const lines: string[] = [];
  for (const r of run.results) {
    const fails = failsRun(r, strict);
    if (!fails && r.status !== 'warn' && r.status !== 'xpass') continue;
    const [file, line] = (caseInfo(r.id)?.location ?? '').split(':');
    const where = file ? `file=${property(file)}${line ? `,line=${line}` : ''},` : '';
    const title = property(`${run.target.name}: ${r.id} [${r.class}] ${r.status}`);
    const message = r.status === 'xpass' ? XPASS_ADVICE : r.message;
    const text = [message.slice(0, 2000), r.replay ? `replay: ${r.replay}` : ''].filter(Boolean).join('\n');
    lines.push(`::${fails ? 'error' : 'warning'} ${where}title=${title}::${data(text)}`);
  }
  for (const e of run.harnessErrors ?? []) lines.push(`::error title=${property(`${run.target.name}: conform error`)}::${data(e.slice(0, 4000))}`);
  for (const e of run.stale ?? []) lines.push(`::warning title=${property(`${run.target.name}: stale expectation`)}::${data(`${e.id} [${e.class ?? '*'}] matches no case of the spec`)}`);
  return lines;
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function stepSummary(run: RunDoc, strict: boolean): string {
  const counts = STATUSES.filter((s) => run.summary[s] > 0).map((s) => `${run.summary[s]} ${s}`).join(', ');
  const lines = [
    `## conform: ${run.target.name} ${run.target.version}`,
    '',
    `${counts || 'no results'} · driver ${run.target.driver} · classes ${run.classes.join(', ')} · ${(run.wallMs / 1000).toFixed(1)} s`,
  ];
  const unexpected = run.results.filter((r) => failsRun(r, strict) || r.status === 'warn' || r.status === 'xpass');
  for (const e of run.harnessErrors ?? []) lines.push('', `**conform error:** ${cell(e.split('\n')[0].slice(0, 500))}`);
  if (unexpected.length > 0) {
    lines.push('', '| status | case | class | level | message |', '| --- | --- | --- | --- | --- |');
    for (const r of unexpected) lines.push(`| ${r.status} | \`${r.id}\` | ${r.class} | ${r.level} | ${cell(r.message.split('\n')[0].slice(0, 300))} |`);
  } else if ((run.harnessErrors ?? []).length === 0) {
    lines.push('', 'Every result as expected.');
  }
  return lines.join('\n') + '\n';
}
