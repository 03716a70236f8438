// `conform docs --out DIR [--report FILE...]`: the spec as a static site (report/spec-site.ts),
// with each target's verdicts when reports are given.
import fs from 'node:fs';
import path from 'node:path';
import { mergeRuns, readRuns, ReportError } from '../report/document.ts';
import { writeSpecSite } from '../report/spec-site.ts';

export function writeDocs(opts: { out: string; report?: string[] }): number {
  if (fs.existsSync(opts.out) && !fs.statSync(opts.out).isDirectory()) throw new ReportError(`conform docs: --out ${opts.out} is a file; give a directory (it is made if missing)`);
  const runs = opts.report ? mergeRuns(opts.report.flatMap((f) => readRuns(f))).runs : [];
  const files = writeSpecSite(opts.out, runs);
  console.log(`the specification: ${path.join(opts.out, 'index.html')} (${files.length} pages${runs.length ? `, verdicts of ${runs.length} run(s)` : ''})`);
  return 0;
}
