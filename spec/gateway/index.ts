// The gateway interface as the app sees it. Model cases (any gateway): the input stream, and how
// app errors and streaming reach the wire. The wsgi profile: the WSGI/CGI environ (PEP 3333, with
// gunicorn's rules) built from the request, and start_response.
import { defineGroup } from '../harness/case.ts';
import { environRequired } from './wsgi/environ.required.ts';
import { environPathInfo } from './wsgi/environ.path-info.ts';
import { environQueryString } from './wsgi/environ.query-string.ts';
import { environHeaders } from './wsgi/environ.headers.ts';
import { environContentHeaders } from './wsgi/environ.content-headers.ts';
import { environUnderscoreHeadersDropped } from './wsgi/environ.underscore-headers-dropped.ts';
import { environServerNamePort } from './wsgi/environ.server-name-port.ts';
import { environMultiprocessMultithread } from './wsgi/environ.multiprocess-multithread.ts';
import { environUrlScheme } from './wsgi/environ.url-scheme.ts';
import { requestHeaders } from './request.headers.ts';
import { rackEnvRequired } from './rack/env-required.ts';
import { rackPathQueryAsSent } from './rack/path-query-as-sent.ts';
import { rackMultiprocessMultithread } from './rack/multiprocess-multithread.ts';
import { fetchUrlOrigin } from './fetch/url-origin.ts';
import { fetchUrlTarget } from './fetch/url-target.ts';
import { fetchUrlEmptyHost } from './fetch/url-empty-host.ts';
import { fetchUrlUnusableHost } from './fetch/url-unusable-host.ts';
import { inputContentLength } from './input.content-length.ts';
import { inputChunked } from './input.chunked.ts';
import { responseStartResponseTwice } from './wsgi/response.start-response-twice.ts';
import { responseAppError500 } from './response.app-error-500.ts';
import { responseErrorAfterHeadersCloses } from './response.error-after-headers-closes.ts';
import { responseStreaming } from './response.streaming.ts';
import { asgiScope } from './asgi/scope.ts';
import { asgiPath } from './asgi/path.ts';
import { asgiHeaders } from './asgi/headers.ts';
import { asgiBodyEvents } from './asgi/body-events.ts';
import { asgiStartTwice } from './asgi/start-twice.ts';
import { asgiDisconnect } from './asgi/disconnect.ts';
import { asgiLifespanStartupFirst } from './asgi/lifespan-startup-first.ts';
import { asgiLifespanShutdown } from './asgi/lifespan-shutdown.ts';
import { asgiLifespanStartupFailedHalts } from './asgi/lifespan-startup-failed-halts.ts';

export default defineGroup({
  name: 'gateway',
  summary:
    'In any gateway, the app reads exactly the request body, de-chunked; an app error before the ' +
    'headers is a 500, after the headers the connection is closed so the client can tell; a ' +
    'streamed body reaches the client as it is produced; every header reaches it. The wsgi ' +
    'profile: a WSGI/CGI environ (PEP 3333) with gunicorn\'s rules: PATH_INFO percent-decoded and ' +
    'read as latin-1, QUERY_STRING raw, headers as HTTP_* joined with a comma, SERVER_NAME and ' +
    'SERVER_PORT never from Host, the url scheme from trusted forwarded headers only. The rack ' +
    'profile: the Rack SPEC\'s env, PATH_INFO and QUERY_STRING as sent. The fetch profile: a ' +
    'Request URL with the Host\'s origin and the target\'s path and query as sent. The asgi ' +
    'profile: the HTTP scope and receive events of the ASGI spec, and lifespan startup and ' +
    'shutdown in every worker.',
  cases: [
    environRequired,
    environPathInfo,
    environQueryString,
    environHeaders,
    environContentHeaders,
    environUnderscoreHeadersDropped,
    environServerNamePort,
    environMultiprocessMultithread,
    environUrlScheme,
    requestHeaders,
    rackEnvRequired,
    rackPathQueryAsSent,
    rackMultiprocessMultithread,
    fetchUrlOrigin,
    fetchUrlTarget,
    fetchUrlEmptyHost,
    fetchUrlUnusableHost,
    inputContentLength,
    inputChunked,
    responseStartResponseTwice,
    responseAppError500,
    responseErrorAfterHeadersCloses,
    responseStreaming,
    asgiScope,
    asgiPath,
    asgiHeaders,
    asgiBodyEvents,
    asgiStartTwice,
    asgiDisconnect,
    asgiLifespanStartupFirst,
    asgiLifespanShutdown,
    asgiLifespanStartupFailedHalts,
  ],
});
