// `conform diff OLD NEW` and `--baseline`: what changed between two runs, judged by what the
// server did (the requirement held, was missed, or could not be checked), not by the raw status:
// pass -> xfail is a regression even though both are "as expected", xpass is a fix.
import type { Status } from '../verdict.ts';
import { runName, type ResultDoc, type RunDoc } from './document.ts';

type Observed = 'held' | 'missed' | 'error' | 'unchecked';

export function observed(status: Status): Observed {
  switch (status) {
    case 'pass':
    case 'xpass':
      return 'held';
    case 'fail':
    case 'warn':
    case 'xfail':
      return 'missed';
    case 'error':
      return 'error';
    case 'unsupported':
      return 'unchecked';
  }
}

export interface DiffEntry {
  key: string;
  target: string;
  id: string;
  class: string;
  old?: Pick<ResultDoc, 'status' | 'level'>;
  new?: Pick<ResultDoc, 'status' | 'level' | 'message'>;
}

export interface Diff {
  /** Held before, missed or not checkable now: what gates a CI job. */
  worse: DiffEntry[];
  /** Missed or not checkable before, held now. */
  fixed: DiffEntry[];
  /** Every other change of status or level (an expectation added or removed, a SHOULD made MUST...). */
  changed: DiffEntry[];
  /** Results only the new run has (a new case, a new class, a capability newly declared). */
  added: DiffEntry[];
  /** Results only the old run has. */
  removed: DiffEntry[];
}

/**
 * Results keyed by target name, id and class; where one report holds the same name twice (a
 * matrix running one server under two drivers, or two builds), the driver and then the
 * directory tell them apart.
 */
function keyed(runs: RunDoc[]): Map<string, { target: string; result: ResultDoc }> {
  let labels = runs.map((run) => runName(run));
  // Each pass reads the labels of the pass before, so both sides of a clash are renamed.
  const clashing = (all: string[], i: number) => all.filter((l) => l === all[i]).length > 1;
  labels = labels.map((l, i) => (clashing(labels, i) ? `${l} (${runs[i].target.driver})` : l));
  labels = labels.map((l, i) => (clashing(labels, i) && runs[i].target.dir ? `${l.slice(0, -1)}, ${runs[i].target.dir})` : l));
  const out = new Map<string, { target: string; result: ResultDoc }>();
  runs.forEach((run, i) => {
    for (const result of run.results) out.set(`${labels[i]}: ${result.id} [${result.class}]`, { target: labels[i], result });
  });
  return out;
}

export function diffRuns(oldRuns: RunDoc[], newRuns: RunDoc[]): Diff {
  const [before, after] = [keyed(oldRuns), keyed(newRuns)];
  const diff: Diff = { worse: [], fixed: [], changed: [], added: [], removed: [] };
  for (const [key, now] of after) {
    const was = before.get(key);
    const entry: DiffEntry = {
      key,
      target: now.target,
      id: now.result.id,
      class: now.result.class,
      new: { status: now.result.status, level: now.result.level, message: now.result.message },
      ...(was ? { old: { status: was.result.status, level: was.result.level } } : {}),
    };
    if (!was) {
      diff.added.push(entry);
      continue;
    }
    const [o, n] = [observed(was.result.status), observed(now.result.status)];
    if (o === 'held' && (n === 'missed' || n === 'error')) diff.worse.push(entry);
    else if (o !== 'error' && n === 'error') diff.worse.push(entry);
    else if ((o === 'missed' || o === 'error') && n === 'held') diff.fixed.push(entry);
    else if (was.result.status !== now.result.status || was.result.level !== now.result.level) diff.changed.push(entry);
  }
  for (const [key, was] of before) {
    if (!after.has(key)) diff.removed.push({ key, target: was.target, id: was.result.id, class: was.result.class, old: { status: was.result.status, level: was.result.level } });
  }
  return diff;
}

const describeChange = (e: DiffEntry) => {
  const from = e.old ? `${e.old.status}${e.new && e.old.level !== e.new.level ? ` (${e.old.level})` : ''}` : '-';
  const to = e.new ? `${e.new.status}${e.old && e.old.level !== e.new.level ? ` (${e.new.level})` : ''}` : '-';
  return `${from} -> ${to}`;
};

export function diffText(diff: Diff, labels: { old: string; new: string }): string {
  const lines = [`conform diff: ${labels.old} -> ${labels.new}`];
  const section = (title: string, entries: DiffEntry[], withMessage: boolean) => {
    if (entries.length === 0) return;
    lines.push('', `${title} (${entries.length}):`);
    for (const e of entries) {
      lines.push(`  ${e.key}: ${describeChange(e)}`);
      const first = e.new?.message?.split('\n')[0];
      if (withMessage && first) lines.push(`      ${first.slice(0, 300)}`);
    }
  };
  section('Worse: held before, missed or not checkable now', diff.worse, true);
  section('Fixed: missed before, held now', diff.fixed, false);
  section('Changed status or level', diff.changed, false);
  section('Added (only in the new run)', diff.added, false);
  section('Removed (only in the old run)', diff.removed, false);
  const counts = `${diff.worse.length} worse, ${diff.fixed.length} fixed, ${diff.changed.length} changed, ${diff.added.length} added, ${diff.removed.length} removed`;
  lines.push('', diff.worse.length > 0 ? `conform diff: ${counts}: a regression` : `conform diff: ${counts}: no regression`);
  return lines.join('\n');
}
