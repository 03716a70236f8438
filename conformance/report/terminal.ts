// Human output: a line per result as it arrives (progress), then a summary by group and level,
// and one closing line that CI systems read.
import { NEEDS_ATTENTION, STATUSES, failsRun, XPASS_ADVICE, type Judged, type Status } from '../verdict.ts';
import type { ResultDoc, RunDoc } from './document.ts';

const COLOURS: Record<Status, number> = { pass: 32, fail: 31, warn: 33, xfail: 36, xpass: 35, unsupported: 90, error: 31 };
const INDENT = ' '.repeat(12);
/** A message is shown whole up to these bounds (a server's log in a message can be long). */
const MAX_LINES = 40;
const MAX_CHARS = 4000;

export function paint(status: Status, text: string, colour: boolean): string {
  return colour ? `\x1b[${COLOURS[status]}m${text}\x1b[0m` : text;
}

export function indentMessage(message: string, indent = INDENT): string {
  let text = message.length > MAX_CHARS ? `${message.slice(0, MAX_CHARS)}...` : message;
  let lines = text.split('\n');
  if (lines.length > MAX_LINES) lines = [...lines.slice(0, MAX_LINES), `... ${lines.length - MAX_LINES} more line(s) in the JSON report`];
  text = lines.map((l) => indent + l).join('\n');
  return text;
}

type Shown = Pick<ResultDoc, 'id' | 'class' | 'level' | 'status' | 'durationMs' | 'message' | 'replay' | 'asRun'> & { expectation?: { reason: string } };

/** What the case checked with the values its server got, where the target's bounds moved them. */
export const asRunWords = (asRun: NonNullable<ResultDoc['asRun']>) => `as run: ${asRun.requirement}; ${asRun.moved.join(', ')}`;

export function resultLine(result: Shown, colour: boolean): string {
  const tag = paint(result.status, result.status.toUpperCase().padEnd(11), colour);
  const head = `${tag} ${result.id} [${result.class}] ${result.level} ${(result.durationMs / 1000).toFixed(1)}s`;
  if (result.status === 'pass') return head;
  // The entry explains an expected miss or an unexpected pass; an error or a miss that changed is news, said in full.
  if (result.expectation && (result.status === 'xfail' || result.status === 'xpass')) return `${head}  (expected: ${result.expectation.reason})`;
  const lines = [head];
  if (result.message) lines.push(indentMessage(result.message));
  if (result.asRun) lines.push(indentMessage(asRunWords(result.asRun)));
  if (result.status !== 'unsupported') lines.push(hint(result));
  return lines.join('\n');
}

function hint(result: Shown): string {
  return `${INDENT}explain: npx conform explain ${result.id}${result.replay ? `\n${INDENT}replay:  ${result.replay}` : ''}`;
}

export function summaryText(run: RunDoc, colour: boolean): string {
  const lines: string[] = [];
  const byGroup = new Map<string, ResultDoc[]>();
  for (const r of run.results) {
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
  lines.push(...timeText(run.results));
  // What is not claimed, once per reason: a line per (case, class) would open every run with
  // dozens of them and push the failures out of sight.
  const unclaimed = new Map<string, string[]>();
  for (const r of run.results) if (r.status === 'unsupported') unclaimed.set(r.message, [...(unclaimed.get(r.message) ?? []), `${r.id} [${r.class}]`]);
  if (unclaimed.size > 0) {
    lines.push('', 'Unsupported (not claimed by the target), by reason:');
    for (const [why, runs] of [...unclaimed].sort((a, b) => b[1].length - a[1].length)) {
      const shown = runs.slice(0, 3).join(', ') + (runs.length > 3 ? `, ... (${runs.length - 3} more)` : '');
      lines.push(`  ${String(runs.length).padStart(3)} x ${why}: ${shown}`);
    }
  }
  const problems = run.results.filter((r) => NEEDS_ATTENTION.includes(r.status)).sort((a, b) => NEEDS_ATTENTION.indexOf(a.status) - NEEDS_ATTENTION.indexOf(b.status));
  if (problems.length > 0) {
    lines.push('', 'Needs attention:');
    for (const r of problems) {
      const what = r.status === 'xpass' ? XPASS_ADVICE : r.message.split('\n')[0];
      lines.push(`  ${paint(r.status, r.status.toUpperCase(), colour)} ${r.id} [${r.class}]: ${what}`);
      if (r.replay) lines.push(`      replay: ${r.replay}`);
    }
  }
  for (const e of run.stale ?? []) lines.push(`  STALE expectation ${e.id} [${e.class ?? '*'}]: matches no case of the spec`);
  // Entries, not results or reasons: one class-less entry covers several results, and two entries may share a placeholder reason.
  const unreviewed = new Set(run.results.filter((r) => r.expectation?.unreviewed).map((r) => `${r.expectation!.id ?? r.id} [${r.expectation!.class ?? '*'}]`));
  if (unreviewed.size > 0) lines.push(`  UNREVIEWED ${unreviewed.size} expectation(s) written by "conform expectations --update": confirm each by hand, write how in its reason, drop "unreviewed"`);
  for (const e of run.harnessErrors ?? []) lines.push(`  ERROR ${e}`);
  if (run.notRun) lines.push(`  --fail-fast: stopped after the first result that fails the run; ${run.notRun} planned run(s) not started`);
  const total = STATUSES.map((s) => `${run.summary[s]} ${s}`).join(', ');
  const shards = run.shards ? `, ${run.shards} shards merged` : '';
  lines.push('', `${total} (${run.results.length} results, classes ${run.classes.join(', ')}) in ${(run.wallMs / 1000).toFixed(1)} s wall time, driver: ${run.target.driver}${shards}`);
  return lines.join('\n');
}

/** Where the time went: each group's wall time (first start to last end) and the slowest cases. */
export function timeText(results: ResultDoc[], slowest = 10): string[] {
  const timed = results.filter((r) => r.startedAt !== undefined);
  if (timed.length === 0) return [];
  const groups = new Map<string, { from: number; to: number; busy: number }>();
  for (const r of timed) {
    const group = r.id.split('.')[0];
    const g = groups.get(group) ?? { from: Infinity, to: 0, busy: 0 };
    groups.set(group, { from: Math.min(g.from, r.startedAt!), to: Math.max(g.to, r.startedAt! + r.durationMs), busy: g.busy + r.durationMs });
  }
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines = ['', 'Time by group (wall: first start to last end; cases: their durations added up):'];
  for (const [group, g] of groups) lines.push(`  ${group.padEnd(12)} wall ${s(g.to - g.from).padStart(7)}  cases ${s(g.busy).padStart(7)}`);
  lines.push('', `Slowest ${Math.min(slowest, timed.length)}:`);
  for (const r of [...timed].sort((a, b) => b.durationMs - a.durationMs).slice(0, slowest)) lines.push(`  ${s(r.durationMs).padStart(7)}  ${r.id} [${r.class}]`);
  return lines;
}

/**
 * The closing line CI log readers parse ("N passed, N failed, N skipped", alone on its line),
 * preceded by the line that says which statuses each count holds, so both agree with the summary.
 */
export function closingLines(results: readonly Judged[], strict: boolean): string[] {
  const count = (keep: (r: Judged) => boolean) => {
    const counts = new Map<Status, number>();
    for (const r of results) if (keep(r)) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    return STATUSES.filter((s) => counts.has(s)).map((s) => [s, counts.get(s)!] as const);
  };
  const failing = count((r) => failsRun(r, strict));
  const passing = count((r) => r.status !== 'unsupported' && !failsRun(r, strict));
  const skipped = results.filter((r) => r.status === 'unsupported').length;
  const note: Partial<Record<Status, string>> = { warn: ' (SHOULD missed; --strict fails it)', xpass: ' (SHOULD passed against its expectation; --strict fails it)' };
  const words = (bucket: ReadonlyArray<readonly [Status, number]>, notes: boolean) => bucket.map(([s, n]) => `${n} ${s}${notes ? (note[s] ?? '') : ''}`).join(' + ') || '0';
  const sum = (bucket: ReadonlyArray<readonly [Status, number]>) => bucket.reduce((n, [, k]) => n + k, 0);
  return [
    `counted: passed = ${words(passing, true)}; failed = ${words(failing, false)}; skipped = ${skipped > 0 ? `${skipped} unsupported` : '0'}`,
    `conform: ${sum(passing)} passed, ${sum(failing)} failed, ${skipped} skipped`,
  ];
}
