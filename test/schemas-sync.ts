// The JSON schemas repeat the gateway registry (spec/harness/gateways.ts): the manifest's
// `gateway` enum, which editors complete from, and the probe answer's `gateway` enum and one
// section per gateway. Written from the registry, never by hand: `npm run schemas` rewrites those
// parts of the two files in place (the rest, and its layout, untouched); test/gateways.test.ts
// fails while a file differs from what this would write.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GATEWAY_PROFILES, GATEWAYS } from '../spec/harness/gateways.ts';

const KIT = path.resolve(import.meta.dirname, '..');
export const SCHEMA_FILES = ['conformance/conform.schema.json', 'fixtures/probe/answers.schema.json'] as const;

/** JSON on one line, spaced as the schema files are written: `{ "a": ["x", "y"] }`. */
export function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`);
    return entries.length ? `{ ${entries.join(', ')} }` : '{}';
  }
  return JSON.stringify(value);
}

const WIDE = 140;
const enumOf = () => inline([...GATEWAYS]);

/** One `if gateway is X then its section` branch, at the indentation of the allOf's items. */
function branch(gateway: (typeof GATEWAYS)[number], pad: string): string {
  const answer = GATEWAY_PROFILES[gateway].answer;
  const then = { required: Object.keys(answer), properties: answer };
  const head = `${pad}  "if": ${inline({ required: ['gateway'], properties: { gateway: { const: gateway } } })},`;
  let body = `${pad}  "then": ${inline(then)}`;
  if (body.length > WIDE) {
    const props = Object.entries(answer).map(([k, v]) => `${pad}      ${JSON.stringify(k)}: ${inline(v)}`);
    body = [`${pad}  "then": {`, `${pad}    "required": ${inline(then.required)},`, `${pad}    "properties": {`, props.join(',\n'), `${pad}    }`, `${pad}  }`].join('\n');
  }
  return [`${pad}{`, head, body, `${pad}}`].join('\n');
}

function replaceOnce(text: string, file: string, pattern: RegExp, make: (...groups: string[]) => string): string {
  const match = pattern.exec(text);
  if (!match) throw new Error(`${file}: the part the gateway registry writes was not found (${pattern}): was it reshaped by hand?`);
  return text.slice(0, match.index) + make(...match.slice(1)) + text.slice(match.index + match[0].length);
}

/** What `file` says once its registry-written parts are rewritten from the registry. */
export function synced(file: (typeof SCHEMA_FILES)[number], text: string): string {
  if (file === 'conformance/conform.schema.json') {
    return replaceOnce(text, file, /("gateway": \{\s*"enum": )\[[^\]]*\]/, (start) => start + enumOf());
  }
  let out = replaceOnce(text, file, /("gateway": \{ "enum": )\[[^\]]*\]/, (start) => start + enumOf());
  // The allOf runs from its opening line to the `]` at the same indentation.
  out = replaceOnce(out, file, /\n( *)"allOf": \[\n[\s\S]*?\n\1\]/, (pad) => {
    const items = GATEWAYS.map((g) => branch(g, `${pad}  `)).join(',\n');
    return `\n${pad}"allOf": [\n${items}\n${pad}]`;
  });
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const file of SCHEMA_FILES) {
    const full = path.join(KIT, file);
    const before = fs.readFileSync(full, 'utf8');
    const after = synced(file, before);
    JSON.parse(after);
    if (after !== before) fs.writeFileSync(full, after);
    console.log(`${file}: ${after === before ? 'already in step with' : 'rewritten from'} the gateway registry`);
  }
}
