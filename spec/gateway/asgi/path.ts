import { checkEqual } from '../../harness/assert.ts';
import type { SpecCase } from '../../harness/case.ts';
import { asgi } from '../../harness/refs.ts';
import { echo } from './support.ts';

export const asgiPath: SpecCase = {
  id: 'gateway.asgi.path',
  level: 'MUST',
  requirement:
    'path is the request path with percent-escapes decoded and UTF-8 decoded into characters, query_string the query\'s bytes as sent (not decoded), and raw_path, when given, the path\'s bytes as sent.',
  refs: [asgi('www', 'HTTP Connection Scope', 'path, query_string, raw_path')],
  profile: 'asgi',
  async run(t) {
    const target = '/echo/a%2Fb%20c%C3%A9?x=%20y&z=1+2';
    const { scope } = await echo(await t.shared(), { target });
    t.evidence('scope', { path: scope.path, raw_path: scope.raw_path, query_string: scope.query_string });
    checkEqual(scope.path, '/echo/a/b cé', `path for ${target}`);
    checkEqual(scope.query_string, 'x=%20y&z=1+2', `query_string for ${target}`);
    if (scope.raw_path !== undefined && scope.raw_path !== null) checkEqual(scope.raw_path, '/echo/a%2Fb%20c%C3%A9', `raw_path for ${target}`);
  },
};
