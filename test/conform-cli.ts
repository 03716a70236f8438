// The kit's own CLI run from a test as a user runs it: `bin/conform.js` in the kit's directory,
// on a target written from a shipped manifest, with its JSON report read back.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './temp-dirs.ts';

export const KIT = path.resolve(import.meta.dirname, '..');

export interface CliOutcome {
  code: number;
  /** stdout then stderr. */
  out: string;
  stdout: string;
  stderr: string;
}

/** Runs `conform ARGS` in the kit's directory to its end; `env` is added to the test's environment. */
export function runConform(args: string[], { env = {} }: { env?: NodeJS.ProcessEnv } = {}): Promise<CliOutcome> {
  const outcome = (code: number, stdout: string, stderr: string) => ({ code, out: stdout + stderr, stdout, stderr });
  // A run of many cases with evidence can print more than execFile's default 1 MiB.
  return promisify(execFile)(process.execPath, ['bin/conform.js', ...args], { cwd: KIT, env: { ...process.env, ...env }, maxBuffer: 1 << 24 }).then(
    ({ stdout, stderr }) => outcome(0, stdout, stderr),
    (e: { code: number; stdout: string; stderr: string }) => outcome(e.code, e.stdout, e.stderr),
  );
}

export interface ReportResult {
  id: string;
  status: string;
  message: string;
  evidence: Record<string, unknown>;
  /** The command that runs this case again. */
  replay?: string;
}

/**
 * Runs conform with `--report-json` into `dir` and reads the report: its results, its target
 * section, and the errors that refused the target before any case (its pre-flight).
 */
export async function conformReport(dir: string, args: string[]): Promise<CliOutcome & { results: ReportResult[]; target: Record<string, unknown>; refused: string[] }> {
  const report = path.join(dir, 'report.json');
  const outcome = await runConform([...args, '--report-json', report]);
  const doc = JSON.parse(fs.readFileSync(report, 'utf8')) as { results: ReportResult[]; target: Record<string, unknown>; harnessErrors?: string[] };
  return { ...outcome, results: doc.results, target: doc.target, refused: doc.harnessErrors ?? [] };
}

export type Manifest = Record<string, unknown> & { command: string[] };

/**
 * A target in a fresh directory: a shipped target's manifest (without its expectations) changed
 * by `edit`. Returns the directory.
 */
export function targetVariant(shipped: string, prefix: string, edit: (manifest: Manifest) => Manifest | void): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(KIT, 'fixtures/targets', shipped, 'conform.json'), 'utf8')) as Manifest;
  delete manifest.$schema;
  delete manifest.expectations;
  const dir = tempDir(prefix);
  fs.writeFileSync(path.join(dir, 'conform.json'), JSON.stringify(edit(manifest) ?? manifest));
  return dir;
}
