import { check } from '../../harness/assert.ts';
import { docs, changelog } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { echo } from '../support.ts';

export const environUnderscoreHeadersDropped: SpecCase = {
  id: 'gateway.environ.underscore-headers-dropped',
  level: 'SHOULD',
  requirement: 'A header whose name contains "_" is dropped, so it cannot impersonate its dashed twin (X_User vs X-User).',
  refs: [changelog('22.0', 'header_map default "drop"'), docs('nginx', 'http/ngx_http_core_module#underscores_in_headers')],
  profile: 'wsgi',
  async run(t) {
    const server = await t.shared();
    const { environ } = await echo<'wsgi'>(server, { headers: [['X_Probe_User', 'mallory'], ['Connection', 'close']] });
    check(!('HTTP_X_PROBE_USER' in environ), `X_Probe_User reached the app as HTTP_X_PROBE_USER=${environ.HTTP_X_PROBE_USER}`);
  },
};
