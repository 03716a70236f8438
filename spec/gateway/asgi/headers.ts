import { check, checkEqual } from '../../harness/assert.ts';
import type { SpecCase } from '../../harness/case.ts';
import { asgi } from '../../harness/refs.ts';
import { echo, isBytes, words } from './support.ts';

export const asgiHeaders: SpecCase = {
  id: 'gateway.asgi.headers',
  level: 'MUST',
  requirement:
    'headers is the request\'s header fields as [name, value] byte-string pairs, names lower-cased, values as sent, in the order received, a repeated field kept as separate pairs.',
  refs: [asgi('www', 'HTTP', '"preserve headers exactly as they were provided"'), asgi('www', 'HTTP Connection Scope', 'headers')],
  profile: 'asgi',
  async run(t) {
    const sent: Array<[string, string]> = [['X-Conform-A', '1'], ['X-Conform-B', 'v  w'], ['X-Conform-A', '2'], ['Connection', 'close']];
    const { scope } = await echo(await t.shared(), { headers: sent });
    const headers = scope.headers ?? [];
    t.evidence('headers', headers);
    const wrong = headers.filter(([name, value]) => !isBytes(name) || !isBytes(value));
    check(wrong.length === 0, `header pairs that are not byte strings: ${wrong.map((h) => JSON.stringify(h)).join(', ')}`);
    const upper = headers.filter(([name]) => isBytes(name) && name !== name.toLowerCase());
    check(upper.length === 0, `header names not lower-cased: ${upper.map(([n]) => words(n)).join(', ')}`);
    const ours = headers.filter(([name]) => isBytes(name) && name.toLowerCase().startsWith('x-conform-')).map(([n, v]) => `${String(n).toLowerCase()}: ${String(v)}`);
    checkEqual(ours, ['x-conform-a: 1', 'x-conform-b: v  w', 'x-conform-a: 2'], 'the X-Conform-* pairs the app got, in order');
  },
};
