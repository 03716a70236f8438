// `conform docs --out DIR [--report FILE...]`: the spec as a static site (report/spec-site.ts),
// with each target's verdicts when reports are given.
import path from 'node:path';
import { mergeRuns, readRuns } from '../report/document.ts';
import { writeSpecSite } from '../report/spec-site.ts';

export function writeDocs(opts: { out: string; report?: string[] }): number {
  const runs = opts.report ? mergeRuns(opts.report.flatMap((f) => readRuns(f))).runs : [];
  const files = writeSpecSite(opts.out, runs);
  console.log(`the specification: ${path.join(opts.out, 'index.html')} (${files.length} pages${runs.length ? `, verdicts of ${runs.length} run(s)` : ''})`);
  return 0;
}
