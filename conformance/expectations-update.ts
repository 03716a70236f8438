// `conform expectations --update --from REPORT.json`: a target's expectations file brought in line
// with a run. New misses are added with a placeholder reason and `unreviewed: true` (a person
// confirms each by hand and writes how); entries the run shows passing, and stale ones, are
// removed; a (case, class) whose verdict flipped under --repeat is marked `intermittent`, and so
// is a new miss of a property case (its inputs depend on the seed).
import type { Expectation } from './expectations.ts';
import { findExpectation } from './expectations.ts';
import { observed } from './report/diff.ts';
import type { ResultDoc, RunDoc } from './report/document.ts';

export interface ExpectationUpdate {
  entries: Expectation[];
  added: Expectation[];
  removed: Array<{ entry: Expectation; why: string }>;
  markedIntermittent: Expectation[];
  /** Entries (globs) that cover both passing and missing results: to be narrowed by hand. */
  mixed: Array<{ entry: Expectation; passing: string[] }>;
}

const isGlob = (s: string | undefined) => s === undefined || /[*?]/.test(s);
const label = (r: Pick<ResultDoc, 'id' | 'class'>) => `${r.id} [${r.class}]`;

export function planUpdate(current: Expectation[], run: RunDoc): ExpectationUpdate {
  const update: ExpectationUpdate = { entries: [...current], added: [], removed: [], markedIntermittent: [], mixed: [] };
  // Which entry governs each result: the first that matches, as the runner decides.
  const governed = new Map<Expectation, ResultDoc[]>();
  for (const r of run.results) {
    const entry = findExpectation(current, r.id, r.class);
    if (entry) governed.set(entry, [...(governed.get(entry) ?? []), r]);
  }
  const flipped = (run.verdictChanges ?? []).filter((c) => {
    const kinds = new Set(c.statuses.flatMap((s) => s.split('|')).filter((s) => s !== 'missing').map((s) => observed(s as ResultDoc['status'])));
    return kinds.has('held') && kinds.has('missed');
  });

  for (const entry of current) {
    const stale = (run.stale ?? []).some((s) => s.id === entry.id && (s.class ?? '*') === (entry.class ?? '*'));
    const results = governed.get(entry) ?? [];
    const held = results.filter((r) => observed(r.status) === 'held');
    const flips = flipped.some((c) => results.some((r) => r.id === c.id && r.class === c.class));
    if (stale) update.removed.push({ entry, why: 'matches no case of the spec' });
    else if (results.length > 0 && held.length === results.length && !entry.intermittent && !flips) update.removed.push({ entry, why: `passes now: ${held.map(label).join(', ')}` });
    else if (held.length > 0 && held.length < results.length && !entry.intermittent) update.mixed.push({ entry, passing: held.map(label) });
  }
  update.entries = update.entries.filter((e) => !update.removed.some((r) => r.entry === e));

  for (const change of flipped) {
    const entry = findExpectation(update.entries, change.id, change.class);
    const history = `flipped under --repeat ${run.repeat ?? change.statuses.length}: ${change.statuses.join(' -> ')}`;
    if (entry?.intermittent) continue;
    if (entry && !isGlob(entry.id) && !isGlob(entry.class)) {
      const marked = { ...entry, intermittent: true, reason: `${entry.reason} (${history})` };
      update.entries[update.entries.indexOf(entry)] = marked;
      update.markedIntermittent.push(marked);
    } else {
      // A glob covers other results too: an exact entry in front of it takes this one alone.
      const exact: Expectation = {
        id: change.id,
        class: change.class,
        reason: entry ? `${entry.reason} (${history})` : `UNREVIEWED: ${history}; explain the race by hand`,
        intermittent: true,
        ...(entry ? {} : { unreviewed: true }),
      };
      update.entries.unshift(exact);
      update.markedIntermittent.push(exact);
      if (!entry) update.added.push(exact);
    }
  }

  // New misses, by case: where every class the case ran in misses and none is listed, one entry
  // without a class says it (and keeps saying it for a class added later, which is then checked
  // against the same reason); otherwise one entry per class.
  const isNewMiss = (r: ResultDoc) => (r.status === 'fail' || r.status === 'warn') && !findExpectation(update.entries, r.id, r.class);
  const byCase = new Map<string, ResultDoc[]>();
  for (const r of run.results) if (r.status !== 'unsupported') byCase.set(r.id, [...(byCase.get(r.id) ?? []), r]);
  for (const [id, results] of byCase) {
    const misses = results.filter(isNewMiss);
    if (misses.length === 0) continue;
    const first = (r: ResultDoc) => `UNREVIEWED: ${r.status} (${r.level}): ${r.message.split('\n')[0].slice(0, 240)}`;
    // A property case's inputs come from the run's seed, and --repeat keeps the seed: a miss seen
    // in every round may still be a pass with the next run's seed.
    const seeded = misses.some((r) => r.evidence?.property !== undefined);
    const flags = seeded ? { intermittent: true, unreviewed: true } : { unreviewed: true };
    const why = seeded ? ' (a property case: another seed may generate inputs it passes with)' : '';
    const everyClass = misses.length > 1 && misses.length === results.length;
    const entries: Expectation[] = everyClass
      ? [{ id, reason: `${first(misses[0])} (every class: ${misses.map((r) => r.class).join(', ')})${why}`, ...flags }]
      : misses.map((r) => ({ id, class: r.class, reason: `${first(r)}${why}`, ...flags }));
    update.entries.push(...entries);
    update.added.push(...entries);
  }
  return update;
}
