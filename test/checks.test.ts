// The HTTP checks against crafted responses: each must fail on the non-conforming bytes and pass
// on conforming ones (fast; no real server).
import { afterEach, describe, expect, test } from 'vitest';
import { ServerFault } from '../spec/harness/fault.ts';
import { HarnessError } from '../spec/harness/types.ts';
import { actionOf } from '../spec/harness/probe-answers.ts';
import { fakeServer, http, runAgainst, type Reply } from './fake-server.ts';

const DATE = 'Date: Mon, 23 Nov 2026 10:00:00 GMT';
let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

async function verdict(id: string, reply: Reply): Promise<'pass' | string> {
  const server = await fakeServer(reply);
  close = server.close;
  try {
    await runAgainst(id, server);
    return 'pass';
  } catch (error) {
    if (!(error instanceof ServerFault)) throw error;
    return error.message;
  }
}

const answer = (text: string, end = true): Reply => (_request, socket) => {
  socket.write(text);
  if (end) socket.end();
};

describe('http.single-server-date', () => {
  test('passes with one Date and one Server of its own', async () => {
    expect(await verdict('http.single-server-date', answer(http('200 OK', ['Server: s', DATE, 'Content-Length: 2'], 'ok')))).toBe('pass');
  });
  test('fails with two Date headers', async () => {
    expect(await verdict('http.single-server-date', answer(http('200 OK', [DATE, DATE, 'Content-Length: 2'], 'ok')))).toMatch(/number of Date headers/);
  });
  test("fails when the app's Date is passed through", async () => {
    expect(await verdict('http.single-server-date', answer(http('200 OK', ['Date: Sat, 01 Jan 2000 00:00:00 GMT', 'Content-Length: 2'], 'ok')))).toMatch(/app's Date/);
  });
});

describe('http.content-length-enforced', () => {
  test('fails when bytes beyond Content-Length follow', async () => {
    expect(await verdict('http.content-length-enforced', answer(http('200 OK', ['Content-Length: 3'], 'abcdef')))).toMatch(/beyond Content-Length.*"def"/);
  });
  test('passes when the body is cut at Content-Length', async () => {
    expect(await verdict('http.content-length-enforced', answer(http('200 OK', ['Content-Length: 3'], 'abc')))).toBe('pass');
  });
  test('passes when the server refuses the write and closes short of the length (h11)', async () => {
    expect(await verdict('http.content-length-enforced', answer(http('200 OK', ['Content-Length: 3'], '')))).toBe('pass');
  });
  test('passes when the server replaces the answer with its own, of its own length (Passenger: 502)', async () => {
    expect(await verdict('http.content-length-enforced', answer(http('502 Bad Gateway', ['Content-Length: 10'], '<h1>x</h1>')))).toBe('pass');
  });
  test('fails when the app\'s bytes go out in a response without a length', async () => {
    expect(await verdict('http.content-length-enforced', answer(http('200 OK', ['Transfer-Encoding: chunked'], '6\r\nabcdef\r\n0\r\n\r\n')))).toMatch(/without one/);
  });
});

describe('http.chunked-response', () => {
  test('fails on a body without a length that never ends (the connection stays open)', async () => {
    expect(await verdict('http.chunked-response', answer(http('200 OK', [], '000011112222'), false))).toMatch(/timed out while reading a close-delimited body/);
  });
  test('passes on a close-delimited body the server ends by closing (RFC 9112 6.3)', async () => {
    expect(await verdict('http.chunked-response', answer(http('200 OK', [], '000011112222')))).toBe('pass');
  });
  test("fails on a close-delimited body whose close comes only with the server's idle timer", async () => {
    const lateClose: Reply = (_request, socket) => {
      socket.write(http('200 OK', [], '000011112222'));
      setTimeout(() => socket.end(), 2500);
    };
    expect(await verdict('http.chunked-response', lateClose)).toMatch(/closed \d+ ms after the body's last byte/);
  });
  test('passes on a body a buffering server sends whole with a Content-Length of its own (tornado)', async () => {
    expect(await verdict('http.chunked-response', answer(http('200 OK', ['Content-Length: 12'], '000011112222'), false))).toBe('pass');
  });
  test('fails on a length-framed body that is not the whole of the app\'s', async () => {
    expect(await verdict('http.chunked-response', answer(http('200 OK', ['Content-Length: 8'], '00001111'), false))).toMatch(/the body/);
  });
  test('passes on a chunked body', async () => {
    expect(await verdict('http.chunked-response', answer(http('200 OK', ['Transfer-Encoding: chunked'], '8\r\n00001111\r\n4\r\n2222\r\n0\r\n\r\n')))).toBe('pass');
  });
});

describe('gateway.response.error-after-headers-closes', () => {
  const id = 'gateway.response.error-after-headers-closes';
  const head = (headers: string[]) => http('200 OK', ['Content-Type: text/plain', ...headers]);
  test('passes when a chunked body is cut off by the close (no last chunk)', async () => {
    expect(await verdict(id, answer(`${head(['Transfer-Encoding: chunked'])}7\r\npartial\r\n`))).toBe('pass');
  });
  test('passes when the close comes short of the declared length', async () => {
    expect(await verdict(id, answer(`${head(['Content-Length: 100'])}partial`))).toBe('pass');
  });
  test('passes when a server that had sent nothing yet answers with its own 5xx (PEP 3333: it buffers)', async () => {
    expect(await verdict(id, answer(http('500 Internal Server Error', ['Connection: close', 'Content-Length: 5'], 'error')))).toBe('pass');
  });
  test('passes when that 5xx leaves the connection open for the next request', async () => {
    expect(await verdict(id, answer(http('500 Internal Server Error', ['Content-Length: 5'], 'error'), false))).toBe('pass');
  });
  test("fails when the app's status arrives complete, delimited by the close (Unicorn, uWSGI)", async () => {
    expect(await verdict(id, answer(`${head([])}partial`))).toMatch(/complete 200 response.*indistinguishable/);
  });
  test("fails when the app's status arrives complete, with a last chunk", async () => {
    expect(await verdict(id, answer(`${head(['Transfer-Encoding: chunked'])}7\r\npartial\r\n0\r\n\r\n`))).toMatch(/complete 200 response/);
  });
  test('fails when an unfinished body is left open', async () => {
    expect(await verdict(id, answer(`${head(['Transfer-Encoding: chunked'])}7\r\npartial\r\n`, false))).toMatch(/stayed open/);
  });
});

describe('http.sync-connection-close', () => {
  test('fails when the connection stays open', async () => {
    expect(await verdict('http.sync-connection-close', answer(http('200 OK', ['Connection: close', 'Content-Length: 2'], 'ok'), false))).toMatch(/stayed open/);
  });
  test('fails without Connection: close even if closed', async () => {
    expect(await verdict('http.sync-connection-close', answer(http('200 OK', ['Content-Length: 2'], 'ok')))).toMatch(/Connection header/);
  });
});

describe('http.error-response-shape', () => {
  test('fails when Content-Length does not match the body', async () => {
    expect(await verdict('http.error-response-shape', answer(http('400 Bad Request', ['Connection: close', 'Content-Length: 9'], 'bad')))).toMatch(/bad request|Content-Length|closed/i);
  });
  test('passes on a well-formed error', async () => {
    expect(await verdict('http.error-response-shape', answer(http('400 Bad Request', ['Connection: close', 'Content-Length: 3'], 'bad')))).toBe('pass');
  });
});

describe('http.reject-cl-te', () => {
  const echoed = (length: number) => JSON.stringify({ body: { length } });
  test('fails when the ambiguous request is served by Content-Length', async () => {
    expect(await verdict('http.reject-cl-te', answer(http('200 OK', [`Content-Length: ${echoed(19).length}`], echoed(19))))).toMatch(/served reading 19 body bytes/);
  });
  test('fails when it is served by Transfer-Encoding but the connection stays open', async () => {
    expect(await verdict('http.reject-cl-te', answer(http('200 OK', [`Content-Length: ${echoed(5).length}`], echoed(5)), false))).toMatch(/connection stayed open/);
  });
  test('passes when it is served by Transfer-Encoding alone and the connection closed (RFC 9112 6.1)', async () => {
    expect(await verdict('http.reject-cl-te', answer(http('200 OK', [`Content-Length: ${echoed(5).length}`], echoed(5))))).toBe('pass');
  });
  test('fails when it is rejected but the connection stays open', async () => {
    expect(await verdict('http.reject-cl-te', answer(http('400 Bad Request', ['Content-Length: 0'], ''), false))).toMatch(/rejected with 400, but the connection stayed open/);
  });
  test('passes when the connection is closed without an answer', async () => {
    expect(await verdict('http.reject-cl-te', (_r, socket) => socket.end())).toBe('pass');
  });
});

describe('http.host-required', () => {
  const ok = http('200 OK', ['Connection: close', 'Content-Length: 2'], 'ok');
  const bad = http('400 Bad Request', ['Connection: close', 'Content-Length: 3'], 'bad');
  // RFC 9112 3.2 as a server would apply it: exactly one Host, a uri-host with an optional port.
  const checksHost: Reply = (request, socket) => {
    const hosts = request.split('\r\n').filter((line) => /^host:/i.test(line)).map((line) => line.slice(5).trim());
    socket.end(hosts.length === 1 && /^[A-Za-z0-9.\-]*(:[0-9]*)?$/.test(hosts[0]) ? ok : bad);
  };
  test('passes when only the request with one valid Host is served', async () => {
    expect(await verdict('http.host-required', checksHost)).toBe('pass');
  });
  test('fails naming every variant that was served', async () => {
    expect(await verdict('http.host-required', answer(ok))).toMatch(/no Host: 200 OK; two Host field lines: 200 OK; Host "a b": 200 OK; Host "a\/b": 200 OK/);
  });
  test('fails when the valid request is refused too (the 400s would say nothing of Host)', async () => {
    expect(await verdict('http.host-required', answer(bad))).toMatch(/the status with one valid Host/);
  });
});

describe('http.extension-method', () => {
  // A server that knows only GET: what it answers to anything else.
  const knowsGet = (other: string): Reply => (request, socket) => {
    const known = request.startsWith('GET ');
    socket.write(known ? http('200 OK', ['Content-Length: 2'], 'ok') : other);
    if (!known || /connection: close/i.test(request)) socket.end();
  };
  test('fails naming each request answered 400, the kept-alive one included', async () => {
    expect(await verdict('http.extension-method', knowsGet(http('400 Bad Request', ['Connection: close', 'Content-Length: 0'])))).toMatch(
      /FOO on a new connection: 400 Bad Request; BAN on a new connection: 400 Bad Request; FOO after GET on a kept-alive connection: 400/,
    );
  });
  test('passes when the server answers 501 (RFC 9110 9.1)', async () => {
    expect(await verdict('http.extension-method', knowsGet(http('501 Not Implemented', ['Connection: close', 'Content-Length: 0'])))).toBe('pass');
  });
  test('fails when the server closes without an answer', async () => {
    expect(await verdict('http.extension-method', knowsGet(''))).toMatch(/FOO on a new connection: no response/);
  });
});

describe('concurrency.ended-connection-frees-capacity', () => {
  // A server of capacity one: the malformed request gets a 400; /pid gets an answer.
  const refuseMalformed = (thenDestroy: boolean): Reply => (request, socket) => {
    const pid = '{"pid":123,"ppid":1}';
    if (!/No-Colon/.test(request)) return void socket.end(http('200 OK', ['Content-Type: application/json', `Content-Length: ${pid.length}`], pid));
    socket.end(http('400 Bad Request', ['Connection: close', 'Content-Length: 0']));
    if (thenDestroy) socket.destroy();
  };
  async function verdictOneAtATime(reply: Reply): Promise<string> {
    const server = await fakeServer(reply, { oneAtATime: true });
    close = server.close;
    try {
      await runAgainst('concurrency.ended-connection-frees-capacity', server);
      return 'pass';
    } catch (error) {
      if (!(error instanceof ServerFault)) throw error;
      return error.message;
    }
  }
  test('fails when the ended connection keeps the only slot until the client closes', async () => {
    expect(await verdictOneAtATime(refuseMalformed(false))).toMatch(/another client got no answer while the refused connection stayed open/);
  }, 20_000);
  test('passes when the server lets the ended connection go', async () => {
    expect(await verdictOneAtATime(refuseMalformed(true))).toBe('pass');
  });
});

describe('http.hop-by-hop-dropped', () => {
  test("fails when the app's Keep-Alive header is sent", async () => {
    expect(await verdict('http.hop-by-hop-dropped', answer(http('200 OK', ['Keep-Alive: timeout=99', 'Content-Length: 2'], 'ok')))).toMatch(/Keep-Alive: timeout=99/);
  });
});

describe('probe answers', () => {
  test('the action a request names: ?probe= wins over the first path segment, as in PROTOCOL.md', () => {
    expect(actionOf('/echo/a/b?x=1')).toBe('echo');
    expect(actionOf('//evil.example/echo?probe=echo')).toBe('echo');
    expect(actionOf('/pid')).toBe('pid');
  });
  test("an answer that does not follow the protocol is the probe's error, naming what is wrong, never the server's fail", async () => {
    const server = await fakeServer((_r, socket) => {
      const body = JSON.stringify({ environ: {}, flags: {}, body: null });
      socket.end(http('200 OK', [`Content-Length: ${body.length}`], body));
    });
    close = server.close;
    await expect(runAgainst('gateway.environ.server-name-port', server)).rejects.toThrow(
      /the probe app's answer to \/echo does not follow fixtures\/probe\/PROTOCOL.md.*must have required property 'gateway'/,
    );
    await expect(runAgainst('gateway.environ.server-name-port', server)).rejects.toBeInstanceOf(HarnessError);
  });
});

describe('gateway.environ.server-name-port', () => {
  const echo = (environ: Record<string, string>): Reply => (_r, socket) => {
    const request = { method: 'GET', target: '/echo', headers: [], scheme: 'http' };
    const body = JSON.stringify({ gateway: 'wsgi', request, environ, flags: {}, body: null, pid: 2, ppid: 1 });
    socket.end(http('200 OK', [`Content-Length: ${body.length}`], body));
  };
  test('fails when SERVER_NAME comes from the Host header', async () => {
    expect(await verdict('gateway.environ.server-name-port', echo({ SERVER_NAME: 'example.test', SERVER_PORT: '9999' }))).toMatch(/SERVER_NAME/);
  });
});

describe('a value the server chose is judged by the rule it breaks, never an error of the probe', () => {
  // uvicorn's and hypercorn's WSGI adapters give SERVER_PORT as an int: PEP 3333 wants strings.
  const echoWith = (environ: Record<string, unknown>): Reply => (request, socket) => {
    const target = request.split(' ')[1];
    const body = JSON.stringify({
      gateway: 'wsgi',
      request: { method: 'GET', target, headers: [['host', 'x']], scheme: 'http' },
      environ: { REQUEST_METHOD: 'GET', SCRIPT_NAME: '', PATH_INFO: target.split('?')[0], QUERY_STRING: target.includes('?') ? target.slice(target.indexOf('?') + 1) : '', SERVER_NAME: '127.0.0.1', SERVER_PROTOCOL: 'HTTP/1.1', ...environ },
      flags: { version: [1, 0], url_scheme: 'http', multithread: false, multiprocess: true, run_once: false, has_errors: true },
      body: null,
      pid: 10,
      ppid: 9,
    });
    socket.end(http('200 OK', [DATE, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`], body));
  };
  test('an int SERVER_PORT fails gateway.environ.required and no other case', async () => {
    const server = await fakeServer((request, socket) => echoWith({ SERVER_PORT: server.port })(request, socket));
    close = server.close;
    const outcome = async (id: string) => runAgainst(id, server).then(() => 'pass', (e: Error) => (e instanceof ServerFault ? `fail: ${e.message}` : `error: ${e.message}`));
    expect(await outcome('gateway.environ.required')).toMatch(/^fail: environ lacks SERVER_PORT as a string/);
    expect(await outcome('gateway.environ.server-name-port')).toBe('pass');
    expect(await outcome('gateway.environ.query-string')).toBe('pass');
  });
});

describe('recycling at max_requests: counting responses and losing requests are two rules', () => {
  // A scripted server whose "worker" changes every 5 responses, and that resets the connection
  // of the request sent as the second worker retires.
  const recycling = (): Reply => {
    let n = 0;
    return (_request, socket) => {
      n++;
      if (n === 11) return void socket.resetAndDestroy();
      const body = JSON.stringify({ pid: 100 + Math.floor((n - 1) / 5), ppid: 1 });
      socket.end(http('200 OK', [DATE, 'Content-Type: application/json', `Content-Length: ${body.length}`, 'Connection: close'], body));
    };
  };
  test('lifecycle.max-requests judges the counts; lifecycle.max-requests-no-lost the reset request', async () => {
    const server = await fakeServer(recycling());
    close = server.close;
    expect(await runAgainst('lifecycle.max-requests', server).then(() => 'pass')).toBe('pass');
    const other = await fakeServer(recycling());
    await expect(runAgainst('lifecycle.max-requests-no-lost', other)).rejects.toThrow(/1 request\(s\) of the stream were not answered as workers recycled: request 11: connection reset/);
    await other.close();
  });
});

describe('signals.term-graceful-timeout on a server that buffers bodies', () => {
  // Tornado's WSGIContainer, for one: no byte of a long response leaves before the app ends, so
  // the request is known to be in flight from the probe's "stream" log line, not from the wire.
  async function buffering({ cutAfterMs }: { cutAfterMs: number | null }) {
    let log = '';
    let exit: { code: number; signal: null } | null = null;
    const held: import('node:net').Socket[] = [];
    const server = await fakeServer((request, socket) => {
      const tag = /[?&]tag=([^&\s]+)/.exec(request)?.[1];
      if (tag) log += `conform-probe: stream tag=${tag} pid=10\n`;
      held.push(socket);
    });
    Object.assign(server, {
      logs: () => log,
      exitStatus: () => exit,
      signal: async () => {
        if (cutAfterMs === null) return;
        setTimeout(() => {
          for (const socket of held) socket.destroy();
          exit = { code: 0, signal: null };
        }, cutAfterMs);
      },
    });
    close = server.close;
    return server;
  }
  test('passes when the held request is cut at graceful_timeout', async () => {
    await expect(runAgainst('signals.term-graceful-timeout', await buffering({ cutAfterMs: 2000 }))).resolves.toBeUndefined();
  });
  test('fails when it is cut at once', async () => {
    await expect(runAgainst('signals.term-graceful-timeout', await buffering({ cutAfterMs: 0 }))).rejects.toThrow(/ms from the graceful stop to the cut/);
  });
});

/** The Host field of a crafted request ('' when empty or absent). */
const hostOf = (request: string) => /\r\nhost:[ \t]*([^\r]*)\r\n/i.exec(request)?.[1] ?? '';

describe('the fetch URL under an empty or unusable Host', () => {
  // A fetch server's echo: the URL it built from the Host and the target (or a fixed one).
  const fetchEcho = (urlOf: (target: string, host: string) => string): Reply => (request, socket) => {
    const target = request.split(' ')[1];
    const host = hostOf(request);
    const url = urlOf(target, host);
    const parsed = new URL(url);
    const body = JSON.stringify({ gateway: 'fetch', request: { method: 'GET', target: parsed.pathname + parsed.search, headers: [['host', host]], scheme: 'http' }, url, body: null, pid: 10, ppid: 9 });
    socket.end(http('200 OK', [DATE, 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'], body));
  };
  const own = 'http://127.0.0.1:8000';
  const whatwg = (target: string, host: string) => new URL(`http://${host}${target}`).href; // the naive join
  test('an empty Host: the server\'s own authority passes', async () => {
    expect(await verdict('gateway.fetch.url-empty-host', fetchEcho((target, host) => (host ? whatwg(target, host) : `${own}${target}`)))).toBe('pass');
  });
  test('an empty Host: the first path segment as the host fails', async () => {
    expect(await verdict('gateway.fetch.url-empty-host', fetchEcho(whatwg))).toMatch(/attacker\.example/);
  });
  test('an empty Host refused with 400 passes: nothing reaches the app', async () => {
    expect(await verdict('gateway.fetch.url-empty-host', answer(http('400 Bad Request', ['Content-Length: 0', 'Connection: close'])))).toBe('pass');
  });
  const refuseUnusable: Reply = (request, socket) => {
    const host = hostOf(request);
    if (!URL.canParse(`http://${host}/`)) return void socket.end(http('400 Bad Request', ['Content-Length: 0', 'Connection: close']));
    fetchEcho(whatwg)(request, socket);
  };
  test('a Host the URL cannot carry: refused with 400 passes', async () => {
    expect(await verdict('gateway.fetch.url-unusable-host', refuseUnusable)).toBe('pass');
  });
  test('a Host the URL cannot carry: served with the own authority and the whole target passes', async () => {
    expect(await verdict('gateway.fetch.url-unusable-host', fetchEcho((target, host) => (URL.canParse(`http://${host}/`) ? whatwg(target, host) : `${own}${target}`)))).toBe('pass');
  });
  test('a Host the URL cannot carry: served with the path and query lost fails (the reference before issue 23)', async () => {
    expect(await verdict('gateway.fetch.url-unusable-host', fetchEcho((target, host) => (URL.canParse(`http://${host}/`) ? whatwg(target, host) : `${own}/`)))).toMatch(/path and query/);
  });
  test('a Host the URL cannot carry: a server error fails', async () => {
    const crash: Reply = (request, socket) => {
      const host = hostOf(request);
      if (!URL.canParse(`http://${host}/`)) return void socket.end(http('500 Internal Server Error', ['Content-Length: 0', 'Connection: close']));
      fetchEcho(whatwg)(request, socket);
    };
    expect(await verdict('gateway.fetch.url-unusable-host', crash)).toMatch(/500/);
  });
});

describe('concurrency.stalled-body-frees-capacity', () => {
  const id = 'concurrency.stalled-body-frees-capacity';
  const pid: Reply = (_request, socket) => {
    const body = JSON.stringify({ pid: 10, ppid: 9 });
    socket.end(http('200 OK', [DATE, 'Content-Type: application/json', `Content-Length: ${body.length}`, 'Connection: close'], body));
  };
  test('passes when the server gives up on the stalled body (408) and serves the next client', async () => {
    const server = await fakeServer(pid, { oneAtATime: true, stalledBodyMs: 1000 });
    close = server.close;
    await expect(runAgainst(id, server)).resolves.toBeUndefined();
  });
  test('fails when the stalled body holds the only capacity for good', async () => {
    const server = await fakeServer(pid, { oneAtATime: true });
    close = server.close;
    await expect(runAgainst(id, server)).rejects.toThrow(/another client got no answer while a request body stalled/);
  }, 20_000);
});
