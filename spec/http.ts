// HTTP/1.1 framing as the server writes and reads it: connection management, chunked and
// close-delimited bodies, header rules, limits and rejection of ambiguous requests.
import fc from 'fast-check';
import { check, checkEqual, Violation } from './harness/assert.ts';
import { defineGroup } from './harness/case.ts';
import { answerOf, connect, exchange, hostHeader, request, send } from './harness/client.ts';
import { eventually, scaled } from './harness/eventually.ts';
import { bytesWords } from './harness/observe.ts';
import { checkProperty } from './harness/property.ts';
import type { Server } from './harness/types.ts';
import { formatRequest, header, headerValues, type WireResponse } from './harness/wire.ts';
import { rfc, pep3333, docs, gunicornCode, changelog, advisory, note } from './harness/refs.ts';

/** /respond with the given status, headers (in order) and body. */
function respondTarget(status: number, headers: Array<[string, string]>, body = ''): string {
  const query = [`status=${status}`, ...headers.map(([n, v]) => `header=${encodeURIComponent(`${n}:${v}`)}`)];
  if (body) query.push(`body=${encodeURIComponent(body)}`);
  return `/respond?${query.join('&')}`;
}

/**
 * Sends raw bytes; resolves with the response (or the reason none came) and how the connection
 * ended. `waitClose: false` when only the answer matters (some servers keep a closing socket open).
 */
async function rawExchange(server: Server, bytes: string | Buffer, { waitClose = true } = {}): Promise<{ response?: WireResponse; failure?: string; closed: string }> {
  const connection = await connect(server);
  await connection.write(bytes);
  let response: WireResponse | undefined;
  let failure: string | undefined;
  try {
    response = await connection.readResponse({ timeoutMs: 5000 });
  } catch (error) {
    failure = (error as Error).message;
  }
  const closed = waitClose ? await connection.waitClosed(3000) : connection.closeState;
  connection.destroy();
  return { response, failure, closed };
}

/** A request must be refused: a 4xx/5xx answer, or the connection closed without any answer. */
async function checkRejected(server: Server, bytes: string | Buffer, what: string, statuses?: number[]): Promise<WireResponse | undefined> {
  const { response, failure, closed } = await rawExchange(server, bytes);
  if (!response) {
    check(closed !== 'open', `${what}: no response and the connection stayed open (${failure})`);
    check(!statuses, `${what}: expected ${statuses?.join(' or ')}, the connection closed without a response`);
    return undefined;
  }
  if (statuses) check(statuses.includes(response.status), `${what}: expected ${statuses.join(' or ')}, got ${response.status} ${response.reason}`);
  else check(response.status >= 400, `${what}: expected a 4xx/5xx rejection, got ${response.status} ${response.reason}`);
  return response;
}

/** After the head of a response on a Connection: close exchange, no body bytes may follow. */
async function checkNoBodyBytes(server: Server, method: string, target: string, what: string): Promise<void> {
  const { response, connection } = await exchange(server, { method, target, headers: [['Connection', 'close']] }, { head: true });
  await connection.waitClosed(3000);
  const extra = connection.pending;
  connection.destroy();
  check(extra.length === 0, `${what} (status ${response.status}): ${extra.length} body byte(s) followed the head: ${JSON.stringify(extra.toString('latin1').slice(0, 60))}`);
}

/** The body length the probe's /echo answer reports, or undefined when the answer is not the probe's JSON. */
function probeBodyLength(body: Buffer): number | undefined {
  try {
    const length = JSON.parse(body.toString('utf8'))?.body?.length;
    return typeof length === 'number' ? length : undefined;
  } catch {
    return undefined;
  }
}

/** A header field line of exactly `length` bytes (CRLF excluded). */
/** A close that ends a close-delimited body follows its last byte at once; an idle timer's comes later. */
const CLOSE_ENDS_BODY_MS = 1000;

const headerLine = (length: number): [string, string] => ['X-Big', 'a'.repeat(length - 'X-Big: '.length)];

const requestLine = (length: number) => {
  // "GET " + target + " HTTP/1.1" = length, CRLF excluded.
  const target = '/echo/' + 'a'.repeat(length - 4 - 9 - 6);
  return `GET ${target} HTTP/1.1`;
};

export default defineGroup({
  name: 'http',
  summary:
    'What the server puts on the wire: Connection handling per class, chunked bodies for HTTP/1.1 ' +
    'responses without a length, close-delimited ones for HTTP/1.0, one Date and one Server of its ' +
    'own, no hop-by-hop headers from the app, limits on request line and header sizes, the Host ' +
    'rule, methods the server does not know passed on, and rejection of requests that are malformed ' +
    'or whose framing is ambiguous (request smuggling).',
  cases: [
    {
      id: 'http.sync-connection-close',
      level: 'MUST',
      requirement: 'A sync worker answers an HTTP/1.1 request with `Connection: close` and closes the connection.',
      refs: [
        rfc(9112, '9.6', 'a server that closes after the response sends the "close" option'),
        docs('unicorn', 'DESIGN', 'neither keepalive nor pipelining are supported'),
        gunicornCode('workers/sync.py', undefined, 'one request per connection; http/wsgi.py Response.should_close()'),
      ],
      classes: ['sync'],
      async run(t) {
        const server = await t.shared();
        const { response, connection } = await exchange(server, { target: '/pid' });
        checkEqual(header(response, 'connection')?.toLowerCase(), 'close', 'the Connection header');
        check((await connection.waitClosed(3000)) !== 'open', 'the connection stayed open after the response');
      },
    },
    {
      id: 'http.keepalive',
      level: 'MUST',
      requirement: 'gthread and async workers keep an HTTP/1.1 connection open and serve a second request on it.',
      refs: [rfc(9112, '9.3', 'persistence'), docs('gunicorn', 'settings#keepalive')],
      classes: ['gthread', 'async'],
      async run(t) {
        const server = await t.shared();
        const { response, connection } = await exchange(server, { target: '/pid' });
        check(header(response, 'connection')?.toLowerCase() !== 'close', 'the first response said Connection: close');
        await connection.write(formatRequest({ target: '/pid' }, hostHeader(server)));
        const second = await connection.readResponse();
        connection.destroy();
        checkEqual(second.status, 200, 'the status of the second request on the connection');
      },
    },
    {
      id: 'http.keepalive-idle-timeout',
      level: 'MUST',
      requirement: 'An idle keep-alive connection is closed by the server after `keepalive` seconds (within +2 s).',
      refs: [
        rfc(9112, '9.5', 'a server closes an inactive connection after a timeout of its own'),
        docs('gunicorn', 'settings#keepalive', '"The number of seconds to wait for requests on a Keep-Alive connection"'),
      ],
      classes: ['gthread', 'async'],
      settings: ['keepalive'],
      async run(t) {
        const server = await t.start({ workers: 1, keepalive: 1 });
        const { keepalive } = server.config; // as the target's bounds left it
        const { connection } = await exchange(server, { target: '/pid' });
        const idleSince = Date.now();
        const state = await connection.waitClosed(keepalive * 1000 + 2000);
        const after = Date.now() - idleSince;
        connection.destroy();
        t.evidence('closedAfterMs', after);
        check(state !== 'open', `the idle connection was still open after ${after} ms`);
        check(after >= keepalive * 1000 - 300, `the idle connection was closed after ${after} ms, before keepalive ${keepalive} s`);
      },
    },
    {
      id: 'http.chunked-response',
      level: 'MUST',
      requirement:
        `An HTTP/1.1 response with no Content-Length from the app arrives whole and ends: chunked, delimited by the server closing the connection as the body ends (within ${CLOSE_ENDS_BODY_MS} ms of its last byte), or with a Content-Length of the server's own (a server that buffered the whole body); never left open without an end.`,
      refs: [
        rfc(9112, '6.3', 'items 7 and 8: chunked, or read until the connection closes'),
        rfc(9112, '7.1'),
        gunicornCode('http/wsgi.py', 'Response.is_chunked()'),
      ],
      async run(t) {
        // keepalive 10 s: a server that leaves the body open is not rescued by its idle timeout.
        const server = await t.shared({ keepalive: 10 });
        // A persistent request: a close-delimited answer is legal only if the server then closes.
        const connection = await send(server, { target: '/stream?chunks=3&bytes=4' });
        const response = await connection.readResponse({ timeoutMs: 5000 }).finally(() => connection.destroy());
        // Whether the body streamed is gateway.response.streaming's rule: a length is an end too.
        checkEqual(response.body.toString(), '000011112222', 'the body');
        if (response.framing === 'close') {
          // An idle timer shorter than the read window would otherwise pass for the body's end.
          const gap = connection.closedAfterLastByteMs ?? 0;
          t.evidence('closedAfterLastByteMs', gap);
          check(gap <= scaled(CLOSE_ENDS_BODY_MS), `the connection closed ${gap} ms after the body's last byte: a close by an idle timer, not the end of the body`);
        }
      },
    },
    {
      id: 'http.http10-close-delimited',
      level: 'MUST',
      requirement: 'An HTTP/1.0 response with no Content-Length is not chunked: the body ends when the server closes the connection.',
      refs: [rfc(9112, '6.3', 'item 8'), rfc(9112, '7', 'chunked is HTTP/1.1 only')],
      async run(t) {
        const server = await t.shared();
        const { response, connection } = await exchange(server, { version: 'HTTP/1.0', target: '/stream?chunks=3&bytes=4' });
        connection.destroy();
        check(headerValues(response, 'transfer-encoding').length === 0, `an HTTP/1.0 response carried Transfer-Encoding: ${header(response, 'transfer-encoding')}`);
        checkEqual(response.body.toString(), '000011112222', 'the body');
      },
    },
    {
      id: 'http.content-length-enforced',
      level: 'SHOULD',
      requirement: 'Bytes the app writes beyond its declared Content-Length are never sent.',
      refs: [rfc(9112, '6.3'), gunicornCode('http/wsgi.py', 'Response.write()', 'truncates')],
      async run(t) {
        // Judged on the raw bytes: a server that refuses the over-long write and closes the
        // connection short of the 3 bytes (h11) sends nothing beyond the length either; an
        // incomplete body is the rule of gateway.response.error-after-headers-closes, not this one.
        const server = await t.shared();
        const connection = await send(server, { target: respondTarget(200, [['Content-Length', '3']], 'abcdef'), headers: [['Connection', 'close']] });
        await connection.waitClosed(3000);
        const received = connection.pending.toString('latin1');
        connection.destroy();
        const headEnd = received.indexOf('\r\n\r\n');
        check(headEnd >= 0, `no response head arrived: ${JSON.stringify(received.slice(0, 200))}`);
        const body = received.slice(headEnd + 4);
        t.evidence('received', received.slice(0, 600));
        // The length the response declares: the app's 3, or the server's own when it replaced
        // the app's answer (Passenger: a 502 page of its own). Without one, the app's bytes past
        // its third ("def") must not appear, whatever the framing.
        const declared = /\r\ncontent-length: *(\d+)\r\n/i.exec(received.slice(0, headEnd + 2))?.[1];
        if (declared !== undefined) check(body.length <= Number(declared), `bytes beyond Content-Length: ${declared} were sent: ${JSON.stringify(body.slice(Number(declared)))}`);
        else check(!body.includes('def'), `the app's bytes beyond its Content-Length: 3 were sent, in a response without one: ${JSON.stringify(body.slice(0, 200))}`);
      },
    },
    {
      id: 'http.head-no-body',
      level: 'SHOULD',
      requirement: 'A response to HEAD carries no body bytes, whatever the app writes.',
      refs: [rfc(9110, '9.3.2'), changelog('26.0', 'HEAD bodies dropped')],
      run: async (t) => checkNoBodyBytes(await t.shared(), 'HEAD', respondTarget(200, [], 'hello'), 'HEAD'),
    },
    {
      id: 'http.no-body-204-304',
      level: 'SHOULD',
      requirement: 'A 204 or 304 response carries no body bytes, whatever the app writes.',
      refs: [rfc(9110, '15.3.5'), rfc(9110, '15.4.5')],
      async run(t) {
        const server = await t.shared();
        for (const status of [204, 304]) await checkNoBodyBytes(server, 'GET', respondTarget(status, [], 'hello'), `status ${status}`);
      },
    },
    {
      id: 'http.hop-by-hop-dropped',
      level: 'MUST',
      requirement: 'Hop-by-hop headers set by the app (Connection, Keep-Alive, Proxy-Authenticate, Proxy-Authorization, TE, Trailers, Transfer-Encoding, Upgrade) are not sent.',
      refs: [pep3333('Other HTTP Features', 'apps must not send hop-by-hop headers; servers own them'), gunicornCode('util.py', 'is_hoppish()')],
      async run(t) {
        const server = await t.shared();
        const appHeaders: Array<[string, string]> = [
          ['Keep-Alive', 'timeout=99'],
          ['Proxy-Authenticate', 'Basic realm=probe'],
          ['Proxy-Authorization', 'Basic cHJvYmU='],
          ['TE', 'trailers'],
          ['Trailers', 'X-Probe'],
          ['Upgrade', 'probe/1'],
          ['Connection', 'x-probe-token'],
          ['Transfer-Encoding', 'gzip'],
        ];
        const response = await request(server, { target: respondTarget(200, appHeaders, 'ok') });
        for (const [name, value] of appHeaders) {
          const sent = headerValues(response, name).filter((v) => v.toLowerCase().includes(value.toLowerCase()));
          check(sent.length === 0, `the app's hop-by-hop header ${name}: ${value} was sent`);
        }
        checkEqual(response.body.toString(), 'ok', 'the body');
      },
    },
    {
      id: 'http.date-header',
      level: 'MUST',
      requirement: 'Every response carries exactly one Date header, an HTTP date: the server adds one when the app sets none, and never sends two.',
      refs: [rfc(9110, '6.6.1', '"An origin server with a clock MUST generate a Date header field in all 2xx, 3xx and 4xx responses"')],
      async run(t) {
        const server = await t.shared();
        for (const [what, headers] of [
          ['no Date from the app', []],
          ['a Date from the app', [['Date', 'Sat, 01 Jan 2000 00:00:00 GMT']]],
        ] as Array<[string, Array<[string, string]>]>) {
          const response = await request(server, { target: respondTarget(200, headers, 'ok') });
          const dates = headerValues(response, 'date');
          checkEqual(dates.length, 1, `the number of Date headers with ${what}`);
          check(!Number.isNaN(Date.parse(dates[0])), `Date is not an HTTP date with ${what}: ${dates[0]}`);
        }
      },
    },
    {
      id: 'http.single-server-date',
      level: 'MUST',
      requirement: 'A normal response carries exactly one Date and at most one Server header, the server\'s own: app-supplied Date and Server are replaced.',
      refs: [gunicornCode('util.py', 'hop_headers', 'includes server and date'), rfc(9110, '6.6.1', 'an origin server may send its own'), rfc(9110, '10.2.4')],
      profile: 'gunicorn',
      async run(t) {
        const server = await t.shared();
        const appDate = 'Sat, 01 Jan 2000 00:00:00 GMT';
        const response = await request(server, { target: respondTarget(200, [['Date', appDate], ['Server', 'probe-app']], 'ok') });
        const dates = headerValues(response, 'date');
        const servers = headerValues(response, 'server');
        checkEqual(dates.length, 1, 'the number of Date headers');
        check(dates[0] !== appDate, 'the app\'s Date was sent instead of the server\'s');
        check(!Number.isNaN(Date.parse(dates[0])), `Date is not an HTTP date: ${dates[0]}`);
        check(servers.length <= 1, `${servers.length} Server headers were sent`);
        check(!servers.includes('probe-app'), 'the app\'s Server header was sent');
      },
    },
    {
      id: 'http.limit-request-line',
      level: 'MUST',
      requirement:
        'With a request-line limit L (gunicorn: limit_request_line, 4094), a request line of L - 2 bytes is served and one of L + 3 bytes is answered 400 or 414 (the margins: whether the CRLF counts).',
      refs: [
        rfc(9112, '3', 'a server may limit the request line; 414 for a long target, 400 otherwise'),
        docs('gunicorn', 'settings#limit-request-line'),
        gunicornCode('http/message.py'),
      ],
      limits: ['requestLine'],
      async run(t) {
        const server = await t.shared();
        const limit = t.target.limits.requestLine!;
        const ok = await rawExchange(server, `${requestLine(limit - 2)}\r\nHost: ${hostHeader(server)}\r\nConnection: close\r\n\r\n`);
        checkEqual(ok.response?.status, 200, `the status for a ${limit - 2}-byte request line`);
        await checkRejected(server, `${requestLine(limit + 3)}\r\nHost: ${hostHeader(server)}\r\n\r\n`, `a ${limit + 3}-byte request line (limit ${limit})`, [400, 414]);
      },
    },
    {
      id: 'http.limit-header-field-size',
      level: 'MUST',
      requirement:
        'With a header-line limit L (gunicorn: limit_request_field_size, 8190), a header line of L - 2 bytes is served and one of L + 3 bytes is answered 400 or 431.',
      refs: [
        rfc(9110, '5.4', 'a server that receives a larger field than it wishes to process responds 4xx'),
        docs('gunicorn', 'settings#limit-request-field-size'),
      ],
      limits: ['headerFieldSize'],
      async run(t) {
        const server = await t.shared();
        const limit = t.target.limits.headerFieldSize!;
        const ok = await rawExchange(server, formatRequest({ target: '/pid', headers: [headerLine(limit - 2), ['Connection', 'close']] }, hostHeader(server)));
        checkEqual(ok.response?.status, 200, `the status for a ${limit - 2}-byte header line`);
        await checkRejected(server, formatRequest({ target: '/pid', headers: [headerLine(limit + 3)] }, hostHeader(server)), `a ${limit + 3}-byte header line (limit ${limit})`, [400, 431]);
      },
    },
    {
      id: 'http.limit-status-431',
      level: 'SHOULD',
      requirement: 'A header line over the size limit is answered 431 (Request Header Fields Too Large).',
      refs: [rfc(6585, '5'), changelog('21.0')],
      limits: ['headerFieldSize'],
      async run(t) {
        const server = await t.shared();
        const limit = t.target.limits.headerFieldSize!;
        await checkRejected(server, formatRequest({ target: '/pid', headers: [headerLine(limit + 3)] }, hostHeader(server)), `a ${limit + 3}-byte header line (limit ${limit})`, [431]);
      },
    },
    {
      id: 'http.limit-header-count',
      level: 'MUST',
      requirement:
        'With a header-count limit N (gunicorn: limit_request_fields, 100), a request with N header fields (Host included) is served and one with N + 1 is answered 400 or 431.',
      refs: [rfc(9110, '5.4'), docs('gunicorn', 'settings#limit-request-fields')],
      limits: ['headerFields'],
      async run(t) {
        const server = await t.shared();
        const limit = t.target.limits.headerFields!;
        const fields = (n: number) => Array.from({ length: n }, (_, i): [string, string] => [`X-F${i}`, 'v']);
        // formatRequest adds Host; the served request also carries Connection: close.
        const ok = await rawExchange(server, formatRequest({ target: '/pid', headers: [...fields(limit - 2), ['Connection', 'close']] }, hostHeader(server)));
        checkEqual(ok.response?.status, 200, `the status with ${limit} header fields`);
        await checkRejected(server, formatRequest({ target: '/pid', headers: fields(limit) }, hostHeader(server)), `${limit + 1} header fields (limit ${limit})`, [400, 431]);
      },
    },
    {
      id: 'http.error-response-shape',
      level: 'MUST',
      requirement:
        'An error response to a bad request (a header line without a colon) has a valid status line, `Connection: close`, a body framed by a matching Content-Length or by the close, and the connection is then closed.',
      refs: [
        rfc(9112, '5', 'field-line = field-name ":" ...'),
        rfc(9112, '6.3'),
        rfc(9112, '9.6', 'a server that closes sends the "close" option'),
        gunicornCode('workers/base.py', 'handle_error()'),
      ],
      async run(t) {
        const server = await t.shared();
        // Bad by the grammar, whatever the server's limits: no colon in a field line.
        const { response, closed } = await rawExchange(server, `GET /pid HTTP/1.1\r\nHost: x\r\nThis-Line-Has-No-Colon\r\n\r\n`);
        check(response, 'no response to a bad request');
        check(response.status >= 400 && response.status < 500, `status ${response.status} for a bad request`);
        check(/^HTTP\/1\.[01]$/.test(response.version), `status line version ${response.version}`);
        checkEqual(header(response, 'connection')?.toLowerCase(), 'close', 'the Connection header');
        const length = header(response, 'content-length');
        if (length !== undefined) checkEqual(Number(length), response.body.length, 'Content-Length against the body');
        check(closed !== 'open', 'the connection stayed open after the error response');
      },
    },
    {
      id: 'http.reject-cl-te',
      level: 'MUST',
      requirement:
        'A request with both Content-Length and Transfer-Encoding: chunked is either rejected (4xx/5xx, or closed unanswered) or read by Transfer-Encoding alone; either way the server closes the connection after it, and never reads it by Content-Length.',
      refs: [
        rfc(9112, '6.1', '"MAY reject ... or process such a request in accordance with the Transfer-Encoding alone. Regardless, the server MUST close the connection"'),
        advisory('CVE-2024-1135', 'fixed in gunicorn 22.0 and Debian 20.1.0-6+deb12u1'),
      ],
      async run(t) {
        // keepalive 10 s: a connection the server keeps open is not closed by the idle timeout within the window.
        const server = await t.shared({ keepalive: 10 });
        const body = '5\r\nhello\r\n0\r\n\r\n';
        const connection = await connect(server);
        await connection.write(formatRequest({ method: 'POST', target: '/echo', headers: [['Content-Length', String(body.length)], ['Transfer-Encoding', 'chunked']], body }, hostHeader(server)));
        const response = await connection.readResponse({ timeoutMs: 5000 }).catch(() => undefined);
        const closed = await connection.waitClosed(response && response.status < 400 ? 1500 : 3000);
        connection.destroy();
        t.evidence('answer', { status: response?.status, body: response?.body.toString('latin1').slice(0, 200), closed });
        if (response && response.status < 400) {
          const read = probeBodyLength(response.body);
          check(read === 5, `the request was served reading ${read ?? 'an unknown number of'} body bytes: not by Transfer-Encoding alone (5 bytes)`);
          check(closed !== 'open', 'the request was served by Transfer-Encoding, but the connection stayed open (the server MUST close it)');
        } else {
          check(closed !== 'open', response ? `rejected with ${response.status}, but the connection stayed open` : 'no response and the connection stayed open');
        }
      },
    },
    {
      id: 'http.reject-duplicate-cl',
      level: 'MUST',
      requirement: 'A request with two differing Content-Length headers is rejected (400 or close), never served.',
      refs: [rfc(9112, '6.3', 'item 5'), gunicornCode('http/message.py')],
      async run(t) {
        const server = await t.shared();
        await checkRejected(
          server,
          formatRequest({ method: 'POST', target: '/echo', headers: [['Content-Length', '3'], ['Content-Length', '5']], body: 'hello' }, hostHeader(server)),
          'two differing Content-Length headers',
        );
      },
    },
    {
      id: 'http.expect-continue',
      level: 'MUST',
      requirement: 'A request with `Expect: 100-continue` gets an interim `100 Continue` before it sends its body, then the final response.',
      refs: [rfc(9110, '10.1.1'), gunicornCode('http/wsgi.py', 'create()')],
      async run(t) {
        const server = await t.shared();
        const connection = await send(server, { method: 'POST', target: '/echo', headers: [['Content-Length', '5'], ['Expect', '100-continue'], ['Connection', 'close']] });
        await eventually(() => /^HTTP\/1\.1 100/.test(connection.pending.toString('latin1')), { within: 3000, what: 'an interim 100 Continue before the body', seen: () => bytesWords(connection.pending) });
        await connection.write('hello');
        const response = await connection.readResponse();
        connection.destroy();
        checkEqual(response.interim.map((i) => i.status), [100], 'interim responses');
        checkEqual(answerOf('POST /echo after 100 Continue', '/echo', response).body.length, 5, 'body bytes the app read');
      },
    },
    {
      id: 'http.host-required',
      level: 'MUST',
      requirement:
        'An HTTP/1.1 request with no Host, with two Host field lines, or with a Host that is not a uri-host[:port] (`a b`, `a/b`) is answered 400 (Bad Request); the same request with one valid Host is served.',
      refs: [
        rfc(9112, '3.2', '"A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request message that lacks a Host header field and to any request message that contains more than one Host header field line or a Host header field with an invalid field value"'),
        rfc(9110, '7.2'),
        rfc(3986, '3.2.2'),
      ],
      async run(t) {
        const server = await t.shared();
        const head = (hostLines: string) => `GET /pid HTTP/1.1\r\n${hostLines}Connection: close\r\n\r\n`;
        // Only the status matters: no wait for the close.
        const answerTo = async (bytes: string) => {
          const { response, failure } = await rawExchange(server, bytes, { waitClose: false });
          return response ?? `no response (${failure})`;
        };
        // The control: a 400 below must be for the Host, not for anything else in the request.
        const control = await answerTo(head(`Host: ${hostHeader(server)}\r\n`));
        checkEqual(typeof control === 'string' ? control : control.status, 200, 'the status with one valid Host');
        const bad: Array<[string, string]> = [
          ['no Host', ''],
          ['two Host field lines', `Host: ${hostHeader(server)}\r\nHost: other.example\r\n`],
          ['Host "a b"', 'Host: a b\r\n'],
          ['Host "a/b"', 'Host: a/b\r\n'],
        ];
        // Every variant is tried, so the verdict names all that were let through, not the first.
        const answers: string[] = [];
        for (const [what, lines] of bad) {
          const response = await answerTo(head(lines));
          if (typeof response === 'string') answers.push(`${what}: ${response}`);
          else if (response.status !== 400) answers.push(`${what}: ${response.status} ${response.reason}`);
        }
        check(answers.length === 0, `expected 400 for each, got ${answers.join('; ')}`);
      },
    },
    {
      id: 'http.extension-method',
      level: 'SHOULD',
      requirement:
        'A request whose method is a token the server does not know (`FOO`, `BAN`) reaches the app, or is answered 501 (Not Implemented), on a new connection and on one kept alive after a request; it is not refused as malformed (400).',
      refs: [
        rfc(9112, '3.1', 'method = token'),
        rfc(9110, '9.1', 'methods are extensible; one the origin does not recognise SHOULD get 501'),
        rfc(9110, '16.1', 'the method registry'),
        gunicornCode('http/message.py', 'METH_RE'),
      ],
      async run(t) {
        const server = await t.shared();
        const host = `Host: ${hostHeader(server)}\r\n`;
        const answered = (status: number) => status === 200 || status === 501;
        const refused: string[] = [];
        for (const method of ['FOO', 'BAN']) {
          const { response, failure } = await rawExchange(server, `${method} /pid HTTP/1.1\r\n${host}Connection: close\r\n\r\n`, { waitClose: false });
          if (!response) refused.push(`${method} on a new connection: no response (${failure})`);
          else if (!answered(response.status)) refused.push(`${method} on a new connection: ${response.status} ${response.reason}`);
        }
        // On a kept-alive connection the method starts wherever the previous request ended.
        const connection = await connect(server);
        try {
          await connection.write(`GET /pid HTTP/1.1\r\n${host}\r\n`);
          const first = await connection.readResponse({ timeoutMs: 5000 });
          checkEqual(first.status, 200, 'the status of GET /pid');
          // A server that closes after each response (sync workers) has no kept-alive connection to try.
          if (header(first, 'connection')?.toLowerCase() !== 'close') {
            await connection.write(`FOO /pid HTTP/1.1\r\n${host}Connection: close\r\n\r\n`);
            const second = await connection.readResponse({ timeoutMs: 5000 }).catch(async (error: unknown) => {
              // Closed without a byte of answer: the server did not keep the connection after all
              // (it may close one at any time, RFC 9112 9.6); nothing to judge on it.
              if (connection.pending.length === 0 && (await connection.waitClosed(0)) !== 'open') return undefined;
              throw error;
            });
            if (second && !answered(second.status)) refused.push(`FOO after GET on a kept-alive connection: ${second.status} ${second.reason}`);
          }
        } finally {
          connection.destroy();
        }
        check(refused.length === 0, `expected the app's answer (200) or 501, got ${refused.join('; ')}`);
      },
    },
    {
      id: 'http.malformed-request-rejected',
      level: 'MUST',
      requirement: 'Malformed requests (bad request line, bad header syntax, bad framing values) are answered 4xx/5xx or closed, never served 2xx.',
      refs: [rfc(9112, '3'), rfc(9112, '5'), rfc(9112, '6'), note('HTTP Garden findings on gunicorn')],
      async run(t) {
        const server = await t.shared();
        const host = `Host: ${hostHeader(server)}\r\n`;
        const malformations: Array<(path: string) => string> = [
          (p) => `GET ${p}\r\n${host}\r\n`, // no version
          (p) => `G(T ${p} HTTP/1.1\r\n${host}\r\n`, // method is not a token
          (p) => `GET ${p} HTTP/1.1 extra\r\n${host}\r\n`, // four parts
          (p) => `GET ${p} XTTP/1.1\r\n${host}\r\n`, // not HTTP
          (p) => `GET ${p} HTTP/1.1\r\n${host}Bad Header: x\r\n\r\n`, // space in field name
          (p) => `GET ${p} HTTP/1.1\r\n${host}NoColon\r\n\r\n`, // no colon
          (p) => `POST ${p} HTTP/1.1\r\n${host}Content-Length: -1\r\n\r\n`, // negative length
          (p) => `POST ${p} HTTP/1.1\r\n${host}Content-Length: 1x\r\n\r\nab`, // non-numeric length
          (p) => `POST ${p} HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n`, // bad chunk size
        ];
        const path = fc.stringMatching(/^\/echo\/[a-z0-9]{0,12}$/);
        await checkProperty(
          t,
          fc.asyncProperty(fc.nat({ max: malformations.length - 1 }), path, async (which, p) => {
            const bytes = malformations[which](p);
            const { response, closed } = await rawExchange(server, bytes);
            if (response && response.status < 400) throw new Violation(`served ${response.status} to ${JSON.stringify(bytes)}`);
            if (!response && closed === 'open') throw new Violation(`no answer and no close for ${JSON.stringify(bytes)}`);
          }),
          { numRuns: 30, timeLimitMs: 20_000 },
        );
      },
    },
  ],
});
