// The asgi profile of the gateway group: what an ASGI 3.0 app is handed (the HTTP scope, the
// receive events), what it may send, and the lifespan protocol, which is where ASGI meets the
// pre-fork model: each worker runs its app's startup before it serves and its shutdown when it
// is stopped. The probe reports byte strings as the latin-1 text of their bytes and any value of
// another type as {not_bytes, repr} (fixtures/probe/asgi/probe_app.py), so a wrong type is seen
// by the case whose rule it breaks.
import { check, checkEqual } from './harness/assert.ts';
import type { SpecCase } from './harness/case.ts';
import { getJson, request, send } from './harness/client.ts';
import { eventually } from './harness/eventually.ts';
import { bytesWords, exitWords } from './harness/observe.ts';
import { perform } from './harness/operations.ts';
import type { Server } from './harness/types.ts';
import type { RequestSpec } from './harness/wire.ts';
import { echoOf, sha256 } from './gateway-support.ts';
import { asgi, note } from './harness/refs.ts';

/** The /echo answer of the ASGI probe (PROTOCOL.md, "asgi"). */
export interface AsgiEcho {
  gateway: 'asgi';
  request: { method: string; target: string; headers: Array<[string, string]>; scheme: string };
  scope: Record<string, unknown> & { headers?: Array<[unknown, unknown]> };
  events: Array<{ type: string; length: number | null; more_body: unknown }>;
  lifespan: { startup: number | null; shutdown: number | null };
  body: { length: number; sha256: string } | null;
  pid: number;
}

const echo = (server: Server, spec: RequestSpec = {}) => echoOf<AsgiEcho>(server, spec);
const isBytes = (value: unknown): value is string => typeof value === 'string';
const words = (value: unknown) => (isBytes(value) ? `b${JSON.stringify(value)}` : JSON.stringify(value));

/** Lines the probe printed for `what` ("lifespan shutdown"), by pid. */
function saidBy(server: Server, what: string): Set<number> {
  return new Set([...server.logs().matchAll(new RegExp(`conform-probe: ${what} pid=(\\d+)`, 'g'))].map((m) => Number(m[1])));
}


export const ASGI_CASES: SpecCase[] = [
  {
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
  },
  {
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
  },
  {
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
  },
  {
    id: 'gateway.asgi.body-events',
    level: 'MUST',
    requirement:
      'A request body, sent with Content-Length or chunked, reaches the app as http.request events whose bodies join to the bytes sent, every event but the last with more_body true and the last with more_body false.',
    refs: [asgi('www', 'Request', 'body, more_body')],
    profile: 'asgi',
    async run(t) {
      const server = await t.shared();
      const body = Buffer.alloc(70_000, 'abcdefgh');
      const chunked = Buffer.concat([Buffer.from(`${(40_000).toString(16)}\r\n`), body.subarray(0, 40_000), Buffer.from(`\r\n${(30_000).toString(16)}\r\n`), body.subarray(40_000), Buffer.from('\r\n0\r\n\r\n')]);
      const sends: Array<[string, RequestSpec]> = [
        ['Content-Length', { method: 'POST', body }],
        ['chunked', { method: 'POST', headers: [['Transfer-Encoding', 'chunked'], ['Connection', 'close']], body: chunked }],
        ['no body', { method: 'GET' }],
      ];
      for (const [how, spec] of sends) {
        const answer = await echo(server, spec);
        const expected = how === 'no body' ? Buffer.alloc(0) : body;
        t.evidence(how, answer.events);
        const others = answer.events.filter((e) => e.type !== 'http.request');
        check(others.length === 0, `${how}: events other than http.request while reading the body: ${JSON.stringify(others)}`);
        const flags = answer.events.map((e) => e.more_body);
        const last = flags.length - 1;
        check(flags.every((more, i) => more === (i < last)), `${how}: more_body of the events was ${JSON.stringify(flags)}: true on each but the last, false on the last`);
        check(answer.body?.length === expected.length && answer.body.sha256 === sha256(expected), `${how}: sent ${expected.length} bytes, the events carried ${answer.body?.length}${answer.body?.length === expected.length ? ' (other bytes)' : ''}`);
      }
    },
  },
  {
    id: 'gateway.asgi.start-twice',
    level: 'SHOULD',
    requirement: 'An app that sends http.response.start a second time has the send raise an exception.',
    refs: [asgi('core', 'Error Handling', 'a server should raise an exception out of send for an invalid event'), note('uvicorn and hypercorn raise')],
    profile: 'asgi',
    async run(t) {
      const outcome = await getJson<{ second_call_raised: boolean }>(await t.shared(), '/start-response-twice');
      checkEqual(outcome.second_call_raised, true, 'whether the second http.response.start raised');
    },
  },
  {
    id: 'gateway.asgi.disconnect',
    level: 'MUST',
    requirement: 'An app awaiting receive() after its request receives http.disconnect within 3 s of the client closing the connection.',
    refs: [asgi('www', 'Disconnect', 'sent to the application when an HTTP connection is closed')],
    profile: 'asgi',
    async run(t) {
      const server = await t.shared();
      const tag = `d${t.seed}-${process.hrtime.bigint()}`;
      const connection = await send(server, { target: `/disconnect?tag=${tag}&ms=10000` });
      await eventually(() => connection.pending.includes('waiting'), { within: 5000, what: 'the app to start its answer', seen: () => bytesWords(connection.pending) });
      connection.destroy();
      const said = new RegExp(`conform-probe: event (\\S+) tag=${tag} `);
      const event = await eventually(() => said.exec(server.logs())?.[1], {
        within: 3000,
        what: 'the app to receive an event after the client left',
        seen: () => 'the app printed no event: its receive() is still waiting',
      });
      checkEqual(event, 'http.disconnect', 'the event the app received once the client had gone');
    },
  },
  {
    id: 'gateway.asgi.lifespan-startup-first',
    level: 'MUST',
    requirement:
      'A worker serves no request before its app\'s lifespan startup has completed: with a startup that takes 1.5 s, requests sent while it runs wait and are answered 200 by an app whose startup is complete.',
    refs: [asgi('lifespan', 'Startup Complete', 'a server must wait for this message before it starts processing connections')],
    profile: 'asgi',
    budgetMs: 30_000,
    async run(t) {
      const server = await t.start({ workers: 1, env: { CONFORM_PROBE_STARTUP_DELAY_MS: '1500' } });
      const sentAt = Date.now();
      const answers = await Promise.all([0, 1, 2].map(() => request(server, { target: '/echo', headers: [['Connection', 'close']] }, { timeoutMs: 10_000 })));
      const statuses = answers.map((r) => r.status);
      t.evidence('answers', { sentAt, statuses });
      check(statuses.every((s) => s === 200), `requests sent while the startup ran were answered ${JSON.stringify(statuses)}`);
      for (const response of answers) {
        const { lifespan } = JSON.parse(response.body.toString()) as AsgiEcho;
        check(typeof lifespan.startup === 'number', 'a request was served by an app whose lifespan startup had not completed');
      }
    },
  },
  {
    id: 'gateway.asgi.lifespan-shutdown',
    level: 'MUST',
    requirement: 'On a graceful stop, every worker\'s app receives lifespan.shutdown, and the master exits after it.',
    refs: [
        asgi('lifespan', 'Shutdown', 'with "Shutdown Complete": a server must wait for this message before terminating'),
        note('in a multi-process server there are lifespan events in each process'),
      ],
    profile: 'asgi',
    operations: ['gracefulStop'],
    async run(t) {
      const server = await t.start({ workers: 2, gracefulTimeout: 5 });
      const workers = await server.workers();
      // Ready means loaded; the stop comes once every worker's startup has completed too, so
      // that a shutdown is owed to each (a stop during startup is another matter).
      await eventually(() => workers.every((pid) => saidBy(server, 'lifespan startup').has(pid)), {
        within: 10_000,
        what: 'every worker to complete its lifespan startup',
        seen: () => `completed: ${[...saidBy(server, 'lifespan startup')].join(', ') || 'none'} of ${workers.join(', ')}`,
      });
      await perform(t, server, 'gracefulStop');
      await eventually(() => server.exitStatus(), { within: 10_000, what: 'the master to exit', seen: () => exitWords(server) });
      const stopped = saidBy(server, 'lifespan shutdown');
      const missed = workers.filter((pid) => !stopped.has(pid));
      t.evidence('shutdown', { workers, said: [...stopped] });
      check(missed.length === 0, `worker(s) ${missed.join(', ')} of ${workers.join(', ')} exited without their app receiving lifespan.shutdown`);
    },
  },
  {
    id: 'gateway.asgi.lifespan-startup-failed-halts',
    level: 'SHOULD',
    requirement: 'When the app fails its lifespan startup (lifespan.startup.failed), the server exits non-zero within 10 s instead of serving or restarting the worker in a loop.',
    refs: [
        asgi('lifespan', 'Startup Failed', 'the server should log the message and exit'),
        note("the model's prefork.boot-error-halts for an app that fails to load"),
      ],
    profile: 'asgi',
    budgetMs: 20_000,
    async run(t) {
      const server = await t.start({ workers: 1, env: { CONFORM_PROBE_STARTUP_FAIL: '1' } }, { waitReady: false });
      const status = await eventually(() => server.exitStatus(), { within: 10_000, what: 'the master to exit', seen: () => `${exitWords(server)}; startups failed: ${saidBy(server, 'lifespan startup failed').size}` });
      t.evidence('exit', status);
      check(status.code !== 0 && status.code !== null, `the master exited with ${JSON.stringify(status)}, not a non-zero code`);
    },
  },
];
