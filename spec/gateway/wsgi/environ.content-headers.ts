import { check, checkEqual } from '../../harness/assert.ts';
import { pep3333 } from '../../harness/refs.ts';
import type { SpecCase } from '../../harness/case.ts';
import { echo } from '../support.ts';

export const environContentHeaders: SpecCase = {
  id: 'gateway.environ.content-headers',
  level: 'MUST',
  requirement: 'Content-Type and Content-Length appear only as CONTENT_TYPE and CONTENT_LENGTH (never HTTP_CONTENT_*), and are absent or empty when the request has none.',
  refs: [pep3333('environ Variables')],
  profile: 'wsgi',
  async run(t) {
    const server = await t.shared();
    const post = await echo<'wsgi'>(server, { method: 'POST', headers: [['Content-Type', 'text/plain'], ['Connection', 'close']], body: 'hello' });
    checkEqual(post.environ.CONTENT_TYPE, 'text/plain', 'CONTENT_TYPE');
    checkEqual(post.environ.CONTENT_LENGTH, '5', 'CONTENT_LENGTH');
    check(!('HTTP_CONTENT_TYPE' in post.environ) && !('HTTP_CONTENT_LENGTH' in post.environ), 'HTTP_CONTENT_TYPE/HTTP_CONTENT_LENGTH present');
    const get = await echo<'wsgi'>(server);
    check(!get.environ.CONTENT_TYPE && !get.environ.CONTENT_LENGTH, `a GET without body has CONTENT_TYPE/CONTENT_LENGTH ${get.environ.CONTENT_TYPE}/${get.environ.CONTENT_LENGTH}`);
  },
};
