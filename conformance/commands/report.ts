// `conform report FILE.json...`: the matrix page and JSON from saved reports (runs made on other
// machines, shards of one suite, or earlier matrices). Runs of the same target, version and
// driver merge into one column group.
// The exit code is the merged runs' own (as if they had been one run): a CI job that merges its
// shards is gated by what the shards found.
import fs from 'node:fs';
import { mergeRuns, readRuns, ReportError } from '../report/document.ts';
import { junitRuns } from '../report/junit.ts';
import { exitCode } from '../verdict.ts';
import { writeMatrix } from './matrix.ts';

export function buildReport(files: string[], opts: { html?: string; reportJson?: string; junit?: string; strict?: boolean }): number {
  if (!opts.html && !opts.reportJson && !opts.junit) throw new ReportError('conform report: say what to write: --html FILE, --report-json FILE and/or --junit FILE');
  const { runs, duplicates } = mergeRuns(files.flatMap((f) => readRuns(f)));
  for (const d of duplicates) console.log(`conform report: ${d} appears in more than one report; the first one is kept`);
  if (opts.html || opts.reportJson) writeMatrix(runs, opts);
  if (opts.junit) {
    fs.writeFileSync(opts.junit, junitRuns(runs, Boolean(opts.strict)));
    console.log(`JUnit XML: ${opts.junit}`);
  }
  const codes = runs.map((run) => ((run.harnessErrors ?? []).length > 0 ? 2 : exitCode(run.results, Boolean(opts.strict))));
  const code = Math.max(0, ...codes);
  if (code !== 0) console.log(`conform report: exit ${code}: ${code === 2 ? 'a merged run has errors' : 'a merged run has results that fail it'} (the runs' own verdicts)`);
  return code;
}
