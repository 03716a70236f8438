// Each mutant, run through the real `conform` CLI, must be reported `fail` for the ids it breaks.
// This is what shows the checks can fail, not only pass.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { MUTANTS, mutantTargetDir } from '../fixtures/mutants/catalog.ts';
import { runConform } from './conform-cli.ts';

const wanted = process.env.CONFORM_MUTANTS?.split(',');

describe.concurrent('mutants are caught', () => {
  for (const mutant of MUTANTS.filter((m) => !wanted || wanted.includes(m.name))) {
    test(`${mutant.name}: ${mutant.breaks}`, { timeout: 180_000 }, async () => {
      const dir = mutantTargetDir(mutant.name);
      const report = path.join(dir, 'report.json');
      const ids = [...new Set(mutant.fails.map(([id]) => id))];
      const classes = [...new Set(mutant.fails.map(([, cls]) => cls))];
      const outcome = await runConform(['--target', dir, '--only', ids.join(','), '--class', classes.join(','), '--seed', '1', '--jobs', '1', '--driver', 'process', '--report-json', report]);
      expect(fs.existsSync(report), `no report; conform said:\n${outcome.out}`).toBe(true);
      const results: Array<{ id: string; class: string; status: string; message: string; evidence: Record<string, unknown> }> = JSON.parse(fs.readFileSync(report, 'utf8')).results;
      for (const [id, cls] of mutant.fails) {
        const result = results.find((r) => r.id === id && r.class === cls);
        expect(result, `${id} [${cls}] did not run:\n${outcome.out}`).toBeDefined();
        expect(result!.status, `${id} [${cls}]: ${result!.message}`).toBe('fail');
        // Every failure carries the server's log around it, shared servers included.
        expect(Object.keys(result!.evidence).filter((k) => /^(server|shared)\d+\.logs$/.test(k)), `${id} [${cls}] evidence`).not.toEqual([]);
      }
      expect(outcome.code).toBe(1);
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }
});
