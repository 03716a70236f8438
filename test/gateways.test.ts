// The gateway registry is the one list of gateways: the manifest schema, the probe-answer schema,
// the init starters and the probes the kit ships all follow it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { STARTERS } from '../conformance/commands/init.ts';
import { GATEWAY_PROFILES, GATEWAYS } from '../spec/harness/gateways.ts';
import { CAPABILITIES, OPERATIONS } from '../spec/harness/types.ts';
import { caseCatalog } from '../conformance/catalog.ts';

const KIT = path.resolve(import.meta.dirname, '..');
const json = (file: string) => JSON.parse(fs.readFileSync(path.join(KIT, file), 'utf8'));

describe('the gateway registry', () => {
  test('conform.schema.json and answers.schema.json name exactly the registry\'s gateways', () => {
    expect(json('conformance/conform.schema.json').properties.gateway.enum).toEqual([...GATEWAYS]);
    expect(json('fixtures/probe/answers.schema.json').definitions.echo.properties.gateway.enum).toEqual([...GATEWAYS]);
  });

  test('the answer schema requires each gateway\'s section, as the registry lists it', () => {
    const branches: Array<{ if: { properties: { gateway: { const: string } } }; then: { required: string[] } }> = json('fixtures/probe/answers.schema.json').definitions.echo.allOf;
    for (const gateway of GATEWAYS) {
      const branch = branches.find((b) => b.if.properties.gateway.const === gateway);
      expect(branch?.then.required, gateway).toEqual([...GATEWAY_PROFILES[gateway].section]);
    }
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
