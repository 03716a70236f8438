// JUnit XML with unique test names ("id [class]"): CI systems key results by name, and they
// colour a job by <failure>/<error>, so whatever fails the run is one of those (a warn under
// --strict too), and whatever does not is <skipped> or passes.
import { caseInfo } from '../catalog.ts';
import { runName, type ResultDoc, type RunDoc } from './document.ts';
import { failsRun, XPASS_ADVICE } from '../verdict.ts';
import { asRunWords } from './terminal.ts';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string)
    // XML 1.0 forbids most control characters even when escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** What a person reading the CI's test page needs: the message, the evidence, the logs, the replay. */
function details(r: ResultDoc): string {
  const parts = [r.message];
  if (r.asRun) parts.push(asRunWords(r.asRun));
  if ('expected' in r) parts.push(`expected: ${JSON.stringify(r.expected)}\nactual:   ${JSON.stringify(r.actual)}`);
  const info = caseInfo(r.id);
  if (info) parts.push(`requirement (${info.level}): ${info.requirement}\nreferences:\n${info.refs.map((ref) => `  ${ref.text}${ref.url ? ` <${ref.url}>` : ''}`).join('\n')}`);
  if (r.expectation) parts.push(`expected by the target: ${r.expectation.reason}`);
  const { logs, rest } = splitLogs(r.evidence ?? {});
  if (Object.keys(rest).length > 0) parts.push(`evidence: ${JSON.stringify(rest, null, 2)}`);
  for (const [key, text] of logs) parts.push(`${key}:\n${text}`);
  if (r.replay) parts.push(`replay: ${r.replay}`);
  return parts.filter(Boolean).join('\n\n');
}

/** Server log excerpts are evidence keys ending in "logs": shown as text, not as a JSON string. */
export function splitLogs(evidence: Record<string, unknown>): { logs: Array<[string, string]>; rest: Record<string, unknown> } {
  const logs: Array<[string, string]> = [];
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(evidence)) {
    if (/logs$/.test(key) && typeof value === 'string') logs.push([key, value]);
    else rest[key] = value;
  }
  return { logs, rest };
}

function testcase(r: ResultDoc, classname: string, strict: boolean): string {
  const open = `    <testcase classname="${escape(classname)}" name="${escape(`${r.id} [${r.class}]`)}" time="${seconds(r.durationMs)}">`;
  const text = escape(details(r));
  const headline = escape(r.status === 'xpass' ? `unexpected pass: ${XPASS_ADVICE}` : `${r.status}: ${r.message.split('\n')[0]}`);
  if (r.status === 'pass') return `${open}</testcase>`;
  if (r.status === 'error') return `${open}<error message="${headline}" type="error">${text}</error></testcase>`;
  if (failsRun(r, strict)) return `${open}<failure message="${headline}" type="${r.status}">${text}</failure></testcase>`;
  // A miss that does not fail the run: skipped, with the reason and the evidence kept.
  const why = escape(`${r.status}: ${r.expectation?.reason ?? r.message.split('\n')[0]}`);
  return `${open}<skipped message="${why}"/><system-out>${text}</system-out></testcase>`;
}

interface Totals {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** One run's suites (one per group); `prefix` tells runs apart where several share a file. */
function suitesOf(run: RunDoc, strict: boolean, prefix: string, totals: Totals): string[] {
  const groups = new Map<string, ResultDoc[]>();
  for (const r of run.results) {
    const group = r.id.split('.')[0];
    groups.set(group, [...(groups.get(group) ?? []), r]);
  }
  // A shard says so in its suite names: two shards' files merged by a CI page must not collide.
  const shard = run.shard ? ` (shard ${run.shard})` : '';
  const suites = [...groups].map(([group, results]) => {
    const failures = results.filter((r) => r.status !== 'error' && failsRun(r, strict)).length;
    const errors = results.filter((r) => r.status === 'error').length;
    const skipped = results.filter((r) => r.status !== 'pass' && !failsRun(r, strict)).length;
    const ms = results.reduce((sum, r) => sum + r.durationMs, 0);
    Object.assign(totals, { tests: totals.tests + results.length, failures: totals.failures + failures, errors: totals.errors + errors, skipped: totals.skipped + skipped });
    const cases = results.map((r) => testcase(r, `${runName(run)}.${group}`, strict));
    return `  <testsuite name="${escape(`${prefix}${group}${shard}`)}" tests="${results.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(ms)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  // What stopped the kit itself (a target that did not start, a kit bug): errors too, or a CI
  // page would show a run that exited 2 as green.
  const kit = run.harnessErrors ?? [];
  if (kit.length > 0) {
    const cases = kit.map((e, i) => `    <testcase classname="${escape(`${runName(run)}.conform`)}" name="${escape(`conform error ${i + 1}`)}" time="0"><error message="${escape(e.split('\n')[0])}" type="error">${escape(e)}</error></testcase>`);
    suites.push(`  <testsuite name="${escape(`${prefix}conform${shard}`)}" tests="${kit.length}" failures="0" errors="${kit.length}" skipped="0" time="0">\n${cases.join('\n')}\n  </testsuite>`);
    Object.assign(totals, { tests: totals.tests + kit.length, errors: totals.errors + kit.length });
  }
  return suites;
}

/** The file: `parts` are the runs it holds, each with the prefix its suites are named by. */
function document(name: string, parts: Array<{ run: RunDoc; prefix: string }>, strict: boolean): string {
  const totals: Totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites = parts.flatMap(({ run, prefix }) => suitesOf(run, strict, prefix, totals));
  const wallMs = parts.reduce((n, { run }) => n + run.wallMs, 0);
  const head = `<testsuites name="${escape(name)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(wallMs)}">`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n${suites.join('\n')}\n</testsuites>\n`;
}

export function junitReport(run: RunDoc, strict = false): string {
  return document(`${runName(run)} ${run.target.version}${run.shard ? ` (shard ${run.shard})` : ''}`, [{ run, prefix: '' }], strict);
}

/** Several runs (conform report, conform matrix) in one file: each run's suites named by its target. */
export function junitRuns(runs: RunDoc[], strict = false): string {
  return document('conform', runs.map((run) => ({ run, prefix: `${runName(run)} (${run.target.driver}): ` })), strict);
}
