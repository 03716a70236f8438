// The probe's answers are checked against fixtures/probe/answers.schema.json before any case reads
// them: an answer that does not fit PROTOCOL.md is a bug of the probe (or the kit), never a
// verdict on the server, so it is a HarnessError naming the action and what was wrong.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { HarnessError } from './types.ts';

const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/probe/answers.schema.json');
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction | null>();

function validatorFor(action: string): ValidateFunction | null {
  if (!validators.has(action)) {
    if (!ajv) {
      ajv = new Ajv({ allErrors: true, strict: false });
      ajv.addSchema(JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')), 'answers');
    }
    const schema = (ajv.getSchema('answers')?.schema as { actions?: Record<string, unknown> }).actions?.[action];
    validators.set(action, schema ? ajv.compile({ $ref: `answers#/actions/${action}` }) : null);
  }
  return validators.get(action)!;
}

/** The action a probe request names: its `probe` parameter, else the first path segment (PROTOCOL.md, "Rules"). */
export function actionOf(target: string): string {
  const [path, query = ''] = target.split('?', 2);
  return new URLSearchParams(query).get('probe') ?? path.replace(/^\/+/, '').split('/')[0];
}

/** Throws a HarnessError when a JSON answer to `target` does not fit the protocol. */
export function checkProbeAnswer(target: string, answer: unknown): void {
  const validate = validatorFor(actionOf(target));
  if (!validate || validate(answer)) return;
  const problems = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(answer)'} ${e.message}`);
  throw new HarnessError(
    `the probe app's answer to ${target} does not follow fixtures/probe/PROTOCOL.md (answers.schema.json): ${problems.join('; ')}: ` +
      `a bug in the probe, not the server: ${JSON.stringify(answer).slice(0, 300)}`,
  );
}
