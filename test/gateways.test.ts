// The gateway registry is the one list of gateways: the manifest schema, the probe-answer schema,
// the init starters and the probes the kit ships all follow it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { STARTERS } from '../conformance/commands/init.ts';
import { GATEWAY_PROFILES, GATEWAYS } from '../spec/harness/gateways.ts';
import { CAPABILITIES, OPERATIONS } from '../spec/harness/types.ts';
import { caseCatalog } from '../conformance/catalog.ts';
import { SCHEMA_FILES, inline, synced } from './schemas-sync.ts';
import { checkProbeAnswer } from '../spec/harness/probe-answers.ts';

const KIT = path.resolve(import.meta.dirname, '..');
const json = (file: string) => JSON.parse(fs.readFileSync(path.join(KIT, file), 'utf8'));

describe('the gateway registry', () => {
  test.each([...SCHEMA_FILES])('%s says what the registry says (else: npm run schemas)', (file) => {
    const text = fs.readFileSync(path.join(KIT, file), 'utf8');
    expect(text, `${file} differs from the gateway registry: run \`npm run schemas\``).toBe(synced(file, text));
  });

  test('the schemas written from the registry accept each gateway\'s answer and refuse one without its section', () => {
    expect(json('conformance/conform.schema.json').properties.gateway.enum).toEqual([...GATEWAYS]);
    const ok = (answer: object) => { try { checkProbeAnswer('/echo', answer); return true; } catch { return false; } };
    const neutral = { request: { method: 'GET', target: '/echo', headers: [['host', 'x']], scheme: 'http' }, body: null, pid: 7, ppid: 1 };
    const sample: Record<string, unknown> = { environ: {}, flags: {}, env: {}, url: 'http://x/', scope: {}, events: [], lifespan: { startup: null } };
    for (const gateway of GATEWAYS) {
      const section = Object.fromEntries(Object.keys(GATEWAY_PROFILES[gateway].answer).map((k) => [k, sample[k]]));
      expect(ok({ ...neutral, gateway, ...section }), gateway).toBe(true);
      const [first, ...rest] = Object.keys(section);
      expect(ok({ ...neutral, gateway, ...Object.fromEntries(rest.map((k) => [k, sample[k]])) }), `${gateway} without ${first}`).toBe(false);
    }
    expect(ok({ ...neutral, gateway: 'cgi' })).toBe(false);
  });

  test('the rewrite is exact: a file whose enum lags the registry is rewritten, one reshaped by hand is refused', () => {
    const file = 'conformance/conform.schema.json';
    const text = fs.readFileSync(path.join(KIT, file), 'utf8');
    const lagging = text.replace(`"enum": ${inline([...GATEWAYS])}`, '"enum": ["wsgi"]');
    expect(lagging).not.toBe(text);
    expect(synced(file, lagging)).toBe(text);
    expect(() => synced(file, text.replace('"gateway": {', '"gateway":{'))).toThrow(/reshaped by hand/);
  });

  test.each([...GATEWAYS])('%s: its probe is shipped, and cases of its profile exist', (gateway) => {
    expect(fs.existsSync(path.join(KIT, GATEWAY_PROFILES[gateway].probe))).toBe(true);
    expect(caseCatalog().filter((c) => c.layer === gateway).length).toBeGreaterThan(0);
  });

  test('every init starter is keyed by a registered gateway (whose probe it copies)', () => {
    for (const gateway of Object.keys(STARTERS)) expect(GATEWAYS).toContain(gateway);
  });
});

describe('the other tables the schema repeats', () => {
  test('capabilities and operations: the schema names exactly the ones the kit knows', () => {
    const schema = json('conformance/conform.schema.json');
    expect(schema.properties.capabilities.items.enum).toEqual(Object.keys(CAPABILITIES));
    expect(Object.keys(schema.properties.operations.properties).filter((k) => k !== 'gracefulExit' && k !== 'reloadKeepsCount')).toEqual([...OPERATIONS]);
  });
});
