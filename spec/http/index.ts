// HTTP/1.1 framing as the server writes and reads it: connection management, chunked and
// close-delimited bodies, header rules, limits and rejection of ambiguous requests.
import { defineGroup } from '../harness/case.ts';
import { syncConnectionClose } from './sync-connection-close.ts';
import { keepalive } from './keepalive.ts';
import { keepaliveIdleTimeout } from './keepalive-idle-timeout.ts';
import { chunkedResponse } from './chunked-response.ts';
import { http10CloseDelimited } from './http10-close-delimited.ts';
import { contentLengthEnforced } from './content-length-enforced.ts';
import { headNoBody } from './head-no-body.ts';
import { noBody204304 } from './no-body-204-304.ts';
import { hopByHopDropped } from './hop-by-hop-dropped.ts';
import { dateHeader } from './date-header.ts';
import { singleServerDate } from './gunicorn/single-server-date.ts';
import { limitRequestLine } from './limit-request-line.ts';
import { limitHeaderFieldSize } from './limit-header-field-size.ts';
import { limitStatus431 } from './limit-status-431.ts';
import { limitHeaderCount } from './limit-header-count.ts';
import { errorResponseShape } from './error-response-shape.ts';
import { rejectClTe } from './reject-cl-te.ts';
import { rejectDuplicateCl } from './reject-duplicate-cl.ts';
import { expectContinue } from './expect-continue.ts';
import { hostRequired } from './host-required.ts';
import { extensionMethod } from './extension-method.ts';
import { malformedRequestRejected } from './malformed-request-rejected.ts';

export default defineGroup({
  name: 'http',
  summary:
    'What the server puts on the wire: Connection handling per class, chunked bodies for HTTP/1.1 ' +
    'responses without a length, close-delimited ones for HTTP/1.0, one Date and one Server of its ' +
    'own, no hop-by-hop headers from the app, limits on request line and header sizes, the Host ' +
    'rule, methods the server does not know passed on, and rejection of requests that are malformed ' +
    'or whose framing is ambiguous (request smuggling).',
  cases: [
    syncConnectionClose,
    keepalive,
    keepaliveIdleTimeout,
    chunkedResponse,
    http10CloseDelimited,
    contentLengthEnforced,
    headNoBody,
    noBody204304,
    hopByHopDropped,
    dateHeader,
    singleServerDate,
    limitRequestLine,
    limitHeaderFieldSize,
    limitStatus431,
    limitHeaderCount,
    errorResponseShape,
    rejectClTe,
    rejectDuplicateCl,
    expectContinue,
    hostRequired,
    extensionMethod,
    malformedRequestRejected,
  ],
});
