// `conform matrix`: several targets in one go, each with its own manifest and expectations, into
// one JSON (a MatrixDoc) and one HTML page. Targets run one after another: each run already
// spreads its own cases over --jobs, and two targets' timing cases must not compete.
import fs from 'node:fs';
import path from 'node:path';
import { matrixDocument, writeJson, type RunDoc } from '../report/document.ts';
import { matrixHtml } from '../report/html.ts';
import { runSession, type SessionOptions } from '../session.ts';

export interface MatrixOptions extends Omit<SessionOptions, 'target' | 'reportJson' | 'junit' | 'baseline'> {
  targets: string[];
  html?: string;
  reportJson?: string;
}

export async function runMatrix(opts: MatrixOptions): Promise<number> {
  const runs: RunDoc[] = [];
  const codes: Array<{ target: string; code: number }> = [];
  for (const [index, target] of opts.targets.entries()) {
    console.log(`\n== matrix ${index + 1}/${opts.targets.length}: ${target}`);
    // The matrix writes one JSON and one page at the end; a target's session writes none of its own.
    const result = await runSession({ ...opts, target, reportJson: undefined, junit: undefined, baseline: undefined });
    if (result.interrupted) return result.code; // incomplete: nothing is written
    codes.push({ target, code: result.code });
    if (result.doc) runs.push(result.doc);
  }
  writeMatrix(runs, opts);
  console.log('\nconform matrix: exit code per target');
  for (const c of codes) console.log(`  ${String(c.code).padStart(3)}  ${c.target}`);
  return Math.max(0, ...codes.map((c) => c.code));
}

/** The matrix's outputs, shared with `conform report`. */
export function writeMatrix(runs: RunDoc[], opts: { html?: string; reportJson?: string }): void {
  const doc = matrixDocument(runs);
  if (opts.reportJson) {
    writeJson(opts.reportJson, doc);
    console.log(`matrix JSON: ${path.resolve(opts.reportJson)}`);
  }
  if (opts.html) {
    fs.writeFileSync(opts.html, matrixHtml(doc));
    console.log(`matrix page: ${path.resolve(opts.html)} (${runs.length} run(s), ${doc.cases.length} cases; opens from disk)`);
  }
}
