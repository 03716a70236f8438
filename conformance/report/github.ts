// CI-native output for GitHub Actions (GITHUB_ACTIONS=true): workflow annotations on the
// target's conform.json, one per unexpected case and kind, and a Markdown summary for the job
// page ($GITHUB_STEP_SUMMARY) that lists every result needing attention.
import path from 'node:path';
import { caseInfo } from '../catalog.ts';
import { failsRun, NEEDS_ATTENTION, STATUSES, XPASS_ADVICE } from '../verdict.ts';
import { runName, type RunDoc } from './document.ts';

// Workflow commands: data escapes %, CR, LF; properties also ':' and ','.
const data = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
const property = (s: string) => data(s).replaceAll(':', '%3A').replaceAll(',', '%2C');

/** GitHub shows at most this many annotations of one kind per step; past it, one says where the rest are. */
const SHOWN_PER_KIND = 10;

/**
 * Where an annotation is placed: the target's conform.json, the one file of the user's repository
 * the run is about (the spec's files are the kit's, under node_modules, where GitHub attaches
 * nothing). Relative to the workspace, as GitHub resolves it; the target's dir when unknown.
 */
function annotatedFile(run: RunDoc): string | undefined {
  if (!run.target.dir) return undefined;
  const file = path.resolve(run.target.dir, 'conform.json');
  const relative = path.relative(process.env.GITHUB_WORKSPACE ?? process.cwd(), file);
  return relative.startsWith('..') ? undefined : relative;
}

/**
 * ::error for what fails the run, ::warning for a SHOULD missed or unexpectedly passing without
 * --strict and for stale entries: one per case and kind, naming its classes, capped per kind.
 */
export function annotations(run: RunDoc, strict: boolean): string[] {
  const file = annotatedFile(run);
  const where = file ? `file=${property(file)},` : '';
  const byCase = new Map<string, { fails: boolean; results: RunDoc['results'] }>();
  for (const r of run.results) {
    if (!NEEDS_ATTENTION.includes(r.status)) continue;
    const fails = failsRun(r, strict);
    const key = `${fails ? 'error' : 'warning'} ${r.id} ${r.status}`;
    const entry = byCase.get(key) ?? { fails, results: [] };
    entry.results.push(r);
    byCase.set(key, entry);
  }
  const kinds: Record<'error' | 'warning', string[]> = { error: [], warning: [] };
  for (const { fails, results } of byCase.values()) {
    const [first] = results;
    const classes = results.map((r) => r.class).join(', ');
    const title = property(`${runName(run)}: ${first.id} [${classes}] ${first.status}`);
    const message = first.status === 'xpass' ? XPASS_ADVICE : first.message;
    const info = caseInfo(first.id);
    const location = info?.location;
    const cited = info?.refs.find((r) => r.url);
    const text = [message.slice(0, 2000), cited ? `see ${cited.text}: ${cited.url}` : '', location ? `defined in the kit at ${location}` : '', first.replay ? `replay: ${first.replay}` : ''].filter(Boolean).join('\n');
    kinds[fails ? 'error' : 'warning'].push(`::${fails ? 'error' : 'warning'} ${where}title=${title}::${data(text)}`);
  }
  for (const e of run.harnessErrors ?? []) kinds.error.unshift(`::error ${where}title=${property(`${runName(run)}: conform error`)}::${data(e.slice(0, 4000))}`);
  for (const e of run.stale ?? []) kinds.warning.push(`::warning ${where}title=${property(`${runName(run)}: stale expectation`)}::${data(`${e.id} [${e.class ?? '*'}] matches no case of the spec`)}`);
  const lines: string[] = [];
  for (const kind of ['error', 'warning'] as const) {
    const all = kinds[kind];
    const shown = all.length > SHOWN_PER_KIND ? all.slice(0, SHOWN_PER_KIND - 1) : all;
    lines.push(...shown);
    if (shown.length < all.length) lines.push(`::${kind} ${where}title=${property(`${runName(run)}: ${all.length - shown.length} more`)}::${data(`${all.length - shown.length} more ${kind}s: the job's step summary lists every one`)}`);
  }
  return lines;
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function stepSummary(run: RunDoc): string {
  const counts = STATUSES.filter((s) => run.summary[s] > 0).map((s) => `${run.summary[s]} ${s}`).join(', ');
  const lines = [
    `## conform: ${runName(run)} ${run.target.version}`,
    '',
    `${counts || 'no results'} · driver ${run.target.driver} · classes ${run.classes.join(', ')} · ${(run.wallMs / 1000).toFixed(1)} s`,
  ];
  const unexpected = run.results.filter((r) => NEEDS_ATTENTION.includes(r.status));
  for (const e of run.harnessErrors ?? []) lines.push('', `**conform error:** ${cell(e.split('\n')[0].slice(0, 500))}`);
  if (unexpected.length > 0) {
    lines.push('', '| status | case | class | level | message |', '| --- | --- | --- | --- | --- |');
    for (const r of unexpected) lines.push(`| ${r.status} | \`${r.id}\` | ${r.class} | ${r.level} | ${cell((r.status === 'xpass' ? XPASS_ADVICE : r.message.split('\n')[0]).slice(0, 300))} |`);
  } else if ((run.harnessErrors ?? []).length === 0) {
    lines.push('', 'Every result as expected.');
  }
  return lines.join('\n') + '\n';
}
