import { check, checkEqual } from '../../harness/assert.ts';
import { rackSpec } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { echo } from '../support.ts';

export const rackEnvRequired: SpecCase = {
  id: 'gateway.rack.env-required',
  level: 'MUST',
  requirement:
    'Every request\'s env has REQUEST_METHOD, SCRIPT_NAME, PATH_INFO, QUERY_STRING, SERVER_NAME and SERVER_PORT as strings, rack.version, rack.url_scheme "http", rack.input, rack.errors, and rack.multithread, rack.multiprocess, rack.run_once as booleans.',
  refs: [rackSpec('The Environment')],
  profile: 'rack',
  async run(t) {
    const { env, flags } = await echo<'rack'>(await t.shared(), { target: '/echo/x?y=1' });
    for (const key of ['REQUEST_METHOD', 'SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING', 'SERVER_NAME', 'SERVER_PORT']) {
      check(typeof env?.[key] === 'string', `env lacks ${key} as a string`);
    }
    checkEqual(env.REQUEST_METHOD, 'GET', 'REQUEST_METHOD');
    check(Array.isArray(flags.version), `rack.version is ${JSON.stringify(flags.version)}, not an array`);
    checkEqual(flags.url_scheme, 'http', 'rack.url_scheme');
    check(flags.has_errors, 'env lacks rack.errors');
    for (const flag of ['multithread', 'multiprocess', 'run_once'] as const) check(typeof flags[flag] === 'boolean', `rack.${flag} is not a boolean`);
  },
};
