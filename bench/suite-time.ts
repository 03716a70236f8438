// `npm run bench:suite`: how long the whole suite takes against the reference and gunicorn
// (process driver), SUITE_ROUNDS times each at the default --jobs, beside one --jobs 1 run whose
// verdicts every round must equal (an intermittent expectation's pass and xfail are one verdict).
// Goals (issue 15, 2-core machine): the reference under 60 s, gunicorn under 90 s.
// SUITE_TARGETS=reference runs one target; SUITE_SERIAL=0 skips the --jobs 1 runs (~4 min each).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KIT_DIR } from '../conformance/manifest.ts';
import { verdictChanges } from '../conformance/repeat.ts';

const ROUNDS = Number(process.env.SUITE_ROUNDS ?? 3);
const SERIAL = process.env.SUITE_SERIAL !== '0';
const GOALS: Record<string, number> = { reference: 60, gunicorn: 90 };
const TARGETS = (process.env.SUITE_TARGETS ?? 'reference,gunicorn').split(',').map((t) => t.trim());
const SEED = 20261202;

interface Round {
  wallS: number;
  results: Array<{ id: string; class: string; status: string; expectation?: { intermittent?: boolean } }>;
  summary: Record<string, number>;
}

function conform(target: string, extra: string[]): Round {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'suite-time-')), 'report.json');
  const args = ['bin/conform.js', '--target', `fixtures/targets/${target}`, '--driver', 'process', '--seed', String(SEED), '--report-json', report, ...extra];
  const started = Date.now();
  const run = spawnSync(process.execPath, args, { cwd: KIT_DIR, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, GITHUB_ACTIONS: '' } });
  const wallS = (Date.now() - started) / 1000;
  if (!fs.existsSync(report)) throw new Error(`conform ${args.join(' ')} wrote no report (exit ${run.status}):\n${run.stdout.slice(-3000)}${run.stderr}`);
  const doc = JSON.parse(fs.readFileSync(report, 'utf8'));
  return { wallS, results: doc.results, summary: doc.summary };
}

const counts = (r: Round) => Object.entries(r.summary).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(', ');
let missed = 0;
console.log(`suite time: ${os.availableParallelism()} CPUs, load ${os.loadavg()[0].toFixed(1)}, ${ROUNDS} round(s) per target${SERIAL ? ' beside one --jobs 1 run' : ''}, seed ${SEED}`);
for (const target of TARGETS) {
  const serial = SERIAL ? conform(target, ['--jobs', '1']) : undefined;
  if (serial) console.log(`  ${target.padEnd(10)} --jobs 1     ${serial.wallS.toFixed(1).padStart(6)} s  ${counts(serial)}`);
  for (let i = 1; i <= ROUNDS; i++) {
    const round = conform(target, []);
    const changed = serial ? verdictChanges([serial, round]) : [];
    const goal = GOALS[target];
    const over = goal !== undefined && round.wallS >= goal;
    if (over || changed.length > 0) missed++;
    console.log(
      `  ${target.padEnd(10)} round ${i}      ${round.wallS.toFixed(1).padStart(6)} s  ${counts(round)}` +
        `${goal ? `  (goal < ${goal} s${over ? ': MISSED' : ''})` : ''}` +
        `${serial ? (changed.length === 0 ? '; verdicts = --jobs 1' : `; ${changed.length} verdict(s) differ from --jobs 1: ${changed.map((c) => `${c.id} [${c.class}] ${c.statuses.join(' -> ')}`).join(', ')}`) : ''}`,
    );
  }
}
process.exitCode = missed > 0 ? 1 : 0;
