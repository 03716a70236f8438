import { check, checkEqual } from '../../harness/assert.ts';
import { pep3333 } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { echo } from '../support.ts';

export const environRequired: SpecCase = {
  id: 'gateway.environ.required',
  level: 'MUST',
  requirement: 'Every request\'s environ has REQUEST_METHOD, SCRIPT_NAME, PATH_INFO, QUERY_STRING, SERVER_NAME, SERVER_PORT, SERVER_PROTOCOL as strings and wsgi.version (1, 0), url_scheme, errors, multithread, multiprocess, run_once.',
  refs: [pep3333('environ Variables')],
  profile: 'wsgi',
  async run(t) {
    const server = await t.shared();
    const { environ, flags } = await echo<'wsgi'>(server, { target: '/echo/x?y=1' });
    for (const key of ['REQUEST_METHOD', 'SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING', 'SERVER_NAME', 'SERVER_PORT', 'SERVER_PROTOCOL']) {
      check(typeof environ[key] === 'string', `environ lacks ${key} as a string`);
    }
    checkEqual(environ.REQUEST_METHOD, 'GET', 'REQUEST_METHOD');
    checkEqual(environ.SERVER_PROTOCOL, 'HTTP/1.1', 'SERVER_PROTOCOL');
    checkEqual(flags.version, [1, 0], 'wsgi.version');
    checkEqual(flags.url_scheme, 'http', 'wsgi.url_scheme');
    check(flags.has_errors, 'environ lacks wsgi.errors');
    for (const flag of ['multithread', 'multiprocess', 'run_once'] as const) check(typeof flags[flag] === 'boolean', `wsgi.${flag} is not a boolean`);
    checkEqual(flags.run_once, false, 'wsgi.run_once');
  },
};
