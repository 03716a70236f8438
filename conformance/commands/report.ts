// `conform report FILE.json...`: the matrix page and JSON from saved reports (runs made on other
// machines, shards of one suite, or earlier matrices). Runs of the same target, version and
// driver merge into one column group.
import { mergeRuns, readRuns, ReportError } from '../report/document.ts';
import { writeMatrix } from './matrix.ts';

export function buildReport(files: string[], opts: { html?: string; reportJson?: string }): number {
  if (!opts.html && !opts.reportJson) throw new ReportError('conform report: say what to write: --html FILE and/or --report-json FILE');
  const { runs, duplicates } = mergeRuns(files.flatMap((f) => readRuns(f)));
  for (const d of duplicates) console.log(`conform report: ${d} appears in more than one report; the first one is kept`);
  writeMatrix(runs, opts);
  return 0;
}
