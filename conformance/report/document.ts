// The report document: the one data contract every output reads. A run writes a RunDoc
// (`--report-json`); a matrix is a list of RunDocs with the spec's catalog; `conform report`,
// `conform diff`, `--baseline`, `conform expectations --update`, the HTML page, JUnit and the
// GitHub summary all take RunDocs. Fields are added, never renamed (other tools parse them).
import fs from 'node:fs';
import path from 'node:path';
import { caseCatalog, caseInfo, groupCatalog, type CaseInfo, type GroupInfo } from '../catalog.ts';
import type { Target } from '../manifest.ts';
import type { RunReport } from '../run.ts';
import { STATUSES, summarize, type Status, type Summary } from '../verdict.ts';
import type { VerdictChange } from '../repeat.ts';
import { SPEC_VERSION } from '../../spec/version.ts';

export const KIT = { name: 'prefork-conformance-kit', version: '0.1.0' };
export const REPORT_VERSION = 1;

export interface ResultDoc {
  id: string;
  class: string;
  level: string;
  status: Status;
  durationMs: number;
  message: string;
  evidence: Record<string, unknown>;
  /** A failed comparison's two sides, as data: what the check wanted, what it saw. */
  expected?: unknown;
  actual?: unknown;
  /** The requirement with the values the case's server got, and the settings the target's bounds moved. */
  asRun?: { requirement: string; moved: string[] };
  /** The entry that governs the result: its id and class as written (globs), and what it says. */
  expectation?: { id?: string; class?: string; reason: string; link?: string; intermittent?: boolean; unreviewed?: boolean };
  seed?: number;
  /** When the case started (epoch ms). */
  startedAt?: number;
  /** The command that runs this (case, class) alone against the same target. */
  replay?: string;
}

export interface RunDoc {
  kind?: 'run';
  reportVersion?: number;
  kit: { name: string; version: string };
  /** label: the run's own name beside the target's (--label: a commit, a machine, a configuration). */
  target: { name: string; version: string; driver: string; dir?: string; label?: string; /** --url: the running server judged */ url?: string };
  specVersion?: string;
  seed?: number;
  strict?: boolean;
  startedAt?: string;
  wallMs: number;
  summary: Summary;
  classes: string[];
  results: ResultDoc[];
  /** The spec's words for every case in `results`, so a saved report reads without the kit. */
  cases?: Record<string, Omit<CaseInfo, 'id' | 'classes' | 'needs' | 'operations' | 'limits' | 'settings' | 'server' | 'layer' | 'refs'> & { layer?: CaseInfo['layer']; refs?: CaseInfo['refs'] }>;
  stale?: Array<{ id: string; class?: string; reason: string }>;
  harnessErrors?: string[];
  /** Planned runs never started because --fail-fast stopped the run. */
  notRun?: number;
  repeat?: number;
  verdictChanges?: VerdictChange[];
  /** This run is part i of n of its plan (--shard i/n); `conform report` merges the parts. */
  shard?: string;
  /** How many reports were merged into this one (absent: one run). */
  shards?: number;
}

export interface MatrixDoc {
  kind: 'matrix';
  reportVersion: number;
  kit: { name: string; version: string };
  specVersion: string;
  generatedAt: string;
  groups: GroupInfo[];
  cases: CaseInfo[];
  runs: RunDoc[];
}

export class ReportError extends Error {
  override name = 'ReportError';
}

/** A target directory as a user would type it again: relative to here when it is below here. */
export function displayPath(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.resolve(dir);
}

const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);

export function replayCommand(target: { dir?: string; driver: string; url?: string }, id: string, label: string, seed?: number): string {
  const args = ['npx', 'conform'];
  if (target.dir) args.push('--target', target.dir);
  args.push(...(target.url ? ['--url', target.url] : ['--driver', target.driver]), '--class', label, '--only', id);
  if (seed !== undefined) args.push('--seed', String(seed));
  return args.map(quote).join(' ');
}

export interface RunDocExtras {
  seed: number;
  strict?: boolean;
  startedAt?: Date;
  repeat?: number;
  verdictChanges?: VerdictChange[];
  shard?: { index: number; count: number };
  label?: string;
  /** `--url`: the address of the running server the run judged. */
  url?: string;
}

/** How every report names a run: the target's name, and the run's label if it has one. */
export const runName = (run: Pick<RunDoc, 'target'>) => `${run.target.name}${run.target.label ? ` [${run.target.label}]` : ''}`;

export function runDocument(report: RunReport, target: Target, extras: RunDocExtras): RunDoc {
  const targetDoc = { name: target.manifest.name, version: target.manifest.version, driver: report.driver, dir: displayPath(target.dir), ...(extras.url ? { url: extras.url } : {}), ...(extras.label ? { label: extras.label } : {}) };
  const cases: RunDoc['cases'] = {};
  for (const r of report.results) {
    const info = caseInfo(r.id);
    if (info) cases[r.id] = { group: info.group, level: info.level, layer: info.layer, requirement: info.requirement, source: info.source, refs: info.refs, location: info.location };
  }
  return {
    kind: 'run',
    reportVersion: REPORT_VERSION,
    kit: KIT,
    target: targetDoc,
    specVersion: SPEC_VERSION,
    seed: extras.seed,
    strict: Boolean(extras.strict),
    startedAt: (extras.startedAt ?? new Date()).toISOString(),
    summary: report.summary,
    wallMs: report.wallMs,
    classes: report.classes.map((c) => c.label),
    results: report.results.map((r) => ({
      id: r.id,
      class: r.class,
      level: r.level,
      status: r.status,
      durationMs: Math.round(r.durationMs),
      message: r.message,
      evidence: r.evidence,
      ...('expected' in r ? { expected: r.expected, actual: r.actual } : {}),
      ...(r.asRun ? { asRun: r.asRun } : {}),
      ...(r.expectation
        ? { expectation: { id: r.expectation.id, class: r.expectation.class, reason: r.expectation.reason, link: r.expectation.link, intermittent: r.expectation.intermittent, unreviewed: r.expectation.unreviewed } }
        : {}),
      seed: extras.seed,
      ...(r.startedAt ? { startedAt: r.startedAt } : {}),
      replay: replayCommand(targetDoc, r.id, r.class, extras.seed),
    })),
    cases,
    stale: report.stale,
    harnessErrors: report.harnessErrors,
    ...(report.notRun !== undefined ? { notRun: report.notRun } : {}),
    ...(extras.shard ? { shard: `${extras.shard.index}/${extras.shard.count}` } : {}),
    ...(extras.repeat && extras.repeat > 1 ? { repeat: extras.repeat, verdictChanges: extras.verdictChanges ?? [] } : {}),
  };
}

/** Writes JSON to a file whose directory was prepared before the run (see prepareOutput). */
export function writeJson(file: string, data: unknown): void {
  fs.writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
}

/**
 * An output path is made usable before any work starts: its directory is created, and a path that
 * cannot be written is refused then, not after a 3-minute run.
 */
export function prepareOutput(file: string, option: string): void {
  const dir = path.dirname(path.resolve(file));
  try {
    makeDirectories(dir);
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (error) {
    throw new ReportError(`${option} ${file}: cannot write to ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new ReportError(`${option} ${file}: is a directory; give a file name`);
}

/** mkdir -p one level at a time: Node's recursive mkdirSync never returns for some paths under /proc. */
function makeDirectories(dir: string): void {
  if (fs.existsSync(dir)) return;
  makeDirectories(path.dirname(dir));
  fs.mkdirSync(dir);
}

function checkRun(run: unknown, where: string): RunDoc {
  const doc = run as RunDoc;
  if (typeof doc?.target?.name !== 'string' || !Array.isArray(doc.results)) {
    throw new ReportError(`${where}: not a conform report (expected "target" and "results"; write one with --report-json)`);
  }
  doc.results.forEach((r, i) => {
    if (typeof r?.id !== 'string' || typeof r.class !== 'string' || !STATUSES.includes(r.status)) {
      throw new ReportError(`${where}: results[${i}] needs a string "id", a string "class" and a status (one of ${STATUSES.join(', ')})`);
    }
  });
  doc.target.driver ??= 'unknown';
  doc.target.version ??= '';
  doc.classes ??= [...new Set(doc.results.map((r) => r.class))];
  doc.summary = summarize(doc.results);
  return doc;
}

/** Reads a run report or a matrix; either way, the runs it holds. */
export function readRuns(file: string): RunDoc[] {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReportError(code === 'ENOENT' ? `${file}: no such file` : `${file}: not valid JSON (${(error as Error).message})`);
  }
  if ((data as MatrixDoc)?.kind === 'matrix') {
    const runs = (data as MatrixDoc).runs;
    if (!Array.isArray(runs)) throw new ReportError(`${file}: a matrix without "runs"`);
    return runs.map((r, i) => checkRun(r, `${file} runs[${i}]`));
  }
  return [checkRun(data, file)];
}

export const runKey = (run: RunDoc) => `${runName(run)} ${run.target.version} (${run.target.driver}${run.target.dir ? `, ${run.target.dir}` : ''})`;

/**
 * Runs of the same target (name, version and directory) and driver (shards of one suite, or the same run saved twice)
 * become one run; a (case, class) seen twice keeps its first result and is reported.
 */
export function mergeRuns(runs: RunDoc[]): { runs: RunDoc[]; duplicates: string[] } {
  const merged = new Map<string, RunDoc>();
  const duplicates: string[] = [];
  for (const run of runs) {
    const key = runKey(run);
    const into = merged.get(key);
    if (!into) {
      merged.set(key, { ...run, results: [...run.results], classes: [...run.classes], cases: { ...run.cases } });
      continue;
    }
    const seen = new Set(into.results.map((r) => `${r.id} [${r.class}]`));
    for (const r of run.results) {
      if (seen.has(`${r.id} [${r.class}]`)) duplicates.push(`${key}: ${r.id} [${r.class}]`);
      else into.results.push(r);
    }
    into.classes = [...new Set([...into.classes, ...run.classes])];
    into.cases = { ...into.cases, ...run.cases };
    into.wallMs = Math.max(into.wallMs, run.wallMs); // shards run side by side
    into.stale = [...(into.stale ?? []), ...(run.stale ?? []).filter((s) => !into.stale?.some((t) => t.id === s.id && t.class === s.class))];
    into.harnessErrors = [...(into.harnessErrors ?? []), ...(run.harnessErrors ?? [])];
    into.shards = (into.shards ?? 1) + (run.shards ?? 1);
    delete into.shard; // the merge is the whole, no longer part i of n
  }
  for (const run of merged.values()) run.summary = summarize(run.results);
  return { runs: [...merged.values()], duplicates };
}

export function matrixDocument(runs: RunDoc[]): MatrixDoc {
  const catalog = caseCatalog();
  const known = new Set(catalog.map((c) => c.id));
  // Cases a saved report has and this kit's spec no longer has still get a row.
  const extra: CaseInfo[] = [];
  for (const run of runs) {
    for (const r of run.results) {
      if (known.has(r.id)) continue;
      known.add(r.id);
      const words = run.cases?.[r.id];
      extra.push({ id: r.id, group: words?.group ?? r.id.split('.')[0], level: words?.level ?? r.level, requirement: words?.requirement ?? '(not in this version of the spec)', source: words?.source ?? '', refs: words?.refs ?? [], layer: words?.layer ?? 'model', classes: [], needs: [], operations: [], limits: [], settings: [], server: {}, location: words?.location ?? '' });
    }
  }
  const groups = groupCatalog();
  for (const c of extra) if (!groups.some((g) => g.name === c.group)) groups.push({ name: c.group, summary: '' });
  return { kind: 'matrix', reportVersion: REPORT_VERSION, kit: KIT, specVersion: SPEC_VERSION, generatedAt: new Date().toISOString(), groups, cases: [...catalog, ...extra], runs };
}
