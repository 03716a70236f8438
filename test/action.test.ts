// The GitHub Action (action.yml), run here as the runner would run it: its shell steps in order
// with GitHub's variables set, inputs and step outputs substituted, `uses:` steps checked for
// their inputs (they are GitHub's own, not runnable here). A passing target and a failing one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { mutantTargetDir } from '../fixtures/mutants/catalog.ts';
import { tempDir } from './temp-dirs.ts';

const KIT = path.resolve(import.meta.dirname, '..');

interface Step {
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action: Action = parse(fs.readFileSync(path.join(KIT, 'action.yml'), 'utf8'));

/** GitHub's expressions, as far as the action uses them: inputs and step outputs, nothing else. */
function expand(text: string, inputs: Record<string, string>, outputs: Record<string, Record<string, string>>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    const input = /^inputs\.([\w-]+)$/.exec(expr);
    if (input) return inputs[input[1]] ?? action.inputs[input[1]]?.default ?? '';
    const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
    if (output) return outputs[output[1]]?.[output[2]] ?? '';
    throw new Error(`an expression the test cannot evaluate: ${expr}`);
  });
}

/** Runs the action in `workspace`; what the job would show. */
function runAction(workspace: string, inputs: Record<string, string>) {
  for (const [name, spec] of Object.entries(action.inputs)) if (spec.required && !(name in inputs)) throw new Error(`input ${name} is required`);
  const summary = path.join(workspace, 'summary.md');
  const outputs: Record<string, Record<string, string>> = {};
  let failed = false;
  let log = '';
  for (const [index, step] of action.runs.steps.entries()) {
    if (failed && step.if !== 'always()') continue;
    if (step.uses) {
      // GitHub's own action: its inputs are given, and the files it uploads exist.
      const given = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(String(v), inputs, outputs)]));
      if (step.uses.startsWith('actions/upload-artifact@')) {
        expect(given.name).toBeTruthy();
        for (const file of given.path.split('\n').filter(Boolean)) expect(fs.existsSync(path.join(workspace, file)), file).toBe(true);
      }
      continue;
    }
    const outputFile = path.join(workspace, `output-${index}`);
    fs.writeFileSync(outputFile, '');
    const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: workspace, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: outputFile, CI: 'true' };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(String(v), inputs, outputs);
    expect(step.shell).toBe('bash');
    const result = spawnSync('bash', ['-e', '-c', step.run!], { cwd: workspace, env, encoding: 'utf8', timeout: 120_000 });
    log += result.stdout + result.stderr;
    if (step.id) outputs[step.id] = Object.fromEntries(fs.readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    if (result.status !== 0) failed = true;
  }
  const exitCode = expand(action.outputs['exit-code'].value, inputs, outputs);
  return { failed, exitCode, log, summary: fs.existsSync(summary) ? fs.readFileSync(summary, 'utf8') : '' };
}

/** A project that installed the kit: node_modules/prefork-conformance-kit and its bin, linked to this checkout. */
function workspace(): string {
  const dir = tempDir('conform-action-');
  fs.mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(KIT, path.join(dir, 'node_modules', 'prefork-conformance-kit'));
  fs.symlinkSync(path.join(KIT, 'bin', 'conform.js'), path.join(dir, 'node_modules', '.bin', 'conform'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'server-under-test', private: true }));
  return dir;
}

describe('action.yml, run as GitHub would', { timeout: 180_000 }, () => {
  test('a target as expected: the job passes, the reports are kept, the summary written', () => {
    const dir = workspace();
    const outcome = runAction(dir, { target: path.join(KIT, 'fixtures/targets/reference'), driver: 'process', args: '--only prefork.worker-count --class sync' });
    expect(outcome.exitCode, outcome.log).toBe('0');
    expect(outcome.failed).toBe(false);
    expect(outcome.summary).toMatch(/^## conform: prefork \(reference\)/m);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'conform-report.json'), 'utf8')).results[0]).toMatchObject({ id: 'prefork.worker-count', status: 'pass' });
    expect(fs.readFileSync(path.join(dir, 'conform-junit.xml'), 'utf8')).toMatch(/<testsuite/);
  });

  test('a failing target: annotations, exit-code 1, and the job fails after the upload', () => {
    const target = mutantTargetDir('no-respawn');
    try {
      const outcome = runAction(workspace(), { target, driver: 'process', args: '--only lifecycle.respawn --class sync' });
      expect(outcome.exitCode, outcome.log).toBe('1');
      expect(outcome.failed).toBe(true);
      expect(outcome.log).toMatch(/^::error .*lifecycle\.respawn \[sync\] fail::/m);
      expect(outcome.summary).toMatch(/lifecycle\.respawn/);
    } finally {
      fs.rmSync(target, { recursive: true, force: true });
    }
  });
});
