// `conform expectations --update --from REPORT.json [--target DIR]`: writes the target's
// expectations file from a run (see expectations-update.ts for the rules).
import fs from 'node:fs';
import path from 'node:path';
import { loadExpectations, type Expectation } from '../expectations.ts';
import { planUpdate } from '../expectations-update.ts';
import { loadTarget } from '../manifest.ts';
import { mergeRuns, readRuns, ReportError } from '../report/document.ts';

export interface ExpectationsOptions {
  from: string;
  target?: string;
  dryRun?: boolean;
}

const DEFAULT_FILE = 'expectations.json';

export function updateExpectationsFile(opts: ExpectationsOptions): number {
  const { runs } = mergeRuns(readRuns(opts.from));
  if (runs.length !== 1) throw new ReportError(`${opts.from} holds ${runs.length} targets; pass a single target's report (--report-json of a run)`);
  const [run] = runs;
  const dir = opts.target ?? run.target.dir;
  if (!dir) throw new ReportError(`${opts.from} does not say where its target lives; pass --target DIR`);
  const target = loadTarget(dir);
  if (target.manifest.name !== run.target.name) {
    throw new ReportError(`${opts.from} is a report of "${run.target.name}", but ${path.join(target.dir, 'conform.json')} is "${target.manifest.name}"`);
  }
  const { file, entries } = loadExpectations(target);
  const update = planUpdate(entries, run);
  const show = (e: Expectation) => `${e.id} [${e.class ?? '*'}]`;
  for (const e of update.added) console.log(`  + ${show(e)}: ${e.reason}`);
  for (const r of update.removed) console.log(`  - ${show(r.entry)}: ${r.why}`);
  for (const e of update.markedIntermittent) console.log(`  ~ ${show(e)}: intermittent`);
  for (const m of update.mixed) console.log(`  ! ${show(m.entry)} also covers passing results (${m.passing.join(', ')}): narrow it by hand`);
  const changed = update.added.length + update.removed.length + update.markedIntermittent.length;
  const counts = `${update.added.length} added, ${update.removed.length} removed, ${update.markedIntermittent.length} marked intermittent`;
  if (opts.dryRun || changed === 0) {
    console.log(`conform expectations: ${counts}${opts.dryRun ? ' (dry run: nothing written)' : '; nothing to write'}`);
    return 0;
  }
  const out = file ?? path.join(target.dir, DEFAULT_FILE);
  const previous = file ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  fs.writeFileSync(out, JSON.stringify({ ...previous, expectations: update.entries }, null, 2) + '\n');
  if (!file) linkFromManifest(target.dir);
  console.log(`conform expectations: ${counts}: ${out}`);
  if (update.added.length > 0) console.log(`  new entries carry "unreviewed": true and a placeholder reason: confirm each deviation by hand, write how in its reason, then drop "unreviewed"`);
  return 0;
}

/** Names the new file in conform.json, keeping the manifest's own formatting: one key before its last brace. */
function linkFromManifest(dir: string): void {
  const manifest = path.join(dir, 'conform.json');
  const text = fs.readFileSync(manifest, 'utf8');
  const close = text.lastIndexOf('}');
  const body = text.slice(0, close).trimEnd();
  const comma = body.endsWith('{') ? '' : ',';
  fs.writeFileSync(manifest, `${body}${comma}\n  "expectations": "${DEFAULT_FILE}"\n}${text.slice(close + 1)}`);
  console.log(`  conform.json now names it: "expectations": "${DEFAULT_FILE}"`);
}
