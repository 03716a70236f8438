import { check, checkEqual } from '../../harness/assert.ts';
import type { SpecCase } from '../../harness/case.ts';
import { asgi } from '../../harness/refs.ts';
import { echo, isBytes, words } from './support.ts';

export const asgiScope: SpecCase = {
  id: 'gateway.asgi.scope',
  level: 'MUST',
  requirement:
    'Every HTTP request\'s scope has type "http", asgi.version "3.0", http_version "1.1" for an HTTP/1.1 request, the method upper-cased, scheme "http" (or absent), root_path a string (or absent), query_string a byte string, and client and server each absent, None or a [host, port] pair with an integer port.',
  refs: [asgi('www', 'HTTP Connection Scope'), asgi('core', 'Scope', 'asgi.version')],
  profile: 'asgi',
  async run(t) {
    const { scope } = await echo(await t.shared(), { method: 'POST', target: '/echo/x?y=1', body: 'hi' });
    t.evidence('scope', scope);
    checkEqual(scope.type, 'http', 'scope type');
    checkEqual((scope.asgi as { version?: unknown } | undefined)?.version, '3.0', 'asgi.version');
    checkEqual(scope.http_version, '1.1', 'http_version of an HTTP/1.1 request');
    checkEqual(scope.method, 'POST', 'method');
    check(!('scheme' in scope) || scope.scheme === 'http', `scheme is ${words(scope.scheme)}, not "http"`);
    check(!('root_path' in scope) || typeof scope.root_path === 'string', `root_path is ${words(scope.root_path)}, not a string`);
    check(isBytes(scope.query_string), `query_string is ${words(scope.query_string)}, not a byte string`);
    for (const key of ['client', 'server'] as const) {
      const value = scope[key];
      const pair = Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && Number.isInteger(value[1]);
      check(value === undefined || value === null || pair, `${key} is ${JSON.stringify(value)}, not [host, port]`);
    }
  },
};
