// The gateway registry: one entry per interface a probe app can speak. A gateway is a profile of
// the spec (its cases run when a target's manifest names it), a probe the kit ships, a section of
// the /echo answer and the specification its cases cite. Adding a gateway is an entry here, a
// probe, the profile's case files (spec/gateway/<name>/, listed in spec/gateway/index.ts), a
// target and a mutant (its file and its catalog entry), then `npm run schemas`: the two JSON
// schemas' gateway enums and the answer schema's sections are written from this table
// (test/schemas-sync.ts; test/gateways.test.ts fails while they differ). Optional: a reference
// kind in refs.ts when its specification is cited by section, and an `init` starter
// (conformance/commands/init.ts: the server that runs the probe here; it copies `probe`).

export const GATEWAYS = ['wsgi', 'rack', 'fetch', 'asgi'] as const;
export type Gateway = (typeof GATEWAYS)[number];

export interface GatewayProfile {
  /** The interface in a few words, for --list, explain and the README. */
  title: string;
  /** The specification the profile's cases hold the server to, and where to read it. */
  specification: { name: string; url: string };
  /** The probe the kit ships for servers of this gateway (kit-relative path). */
  probe: string;
  /**
   * The /echo answer's gateway section (PROTOCOL.md), besides the neutral part: each key the
   * probe must send, with its JSON schema (refs point into fixtures/probe/answers.schema.json).
   */
  answer: Readonly<Record<string, object>>;
}

export const GATEWAY_PROFILES: Record<Gateway, GatewayProfile> = {
  wsgi: {
    title: 'WSGI: a Python callable given a CGI environ and start_response',
    specification: { name: 'PEP 3333', url: 'https://peps.python.org/pep-3333/' },
    probe: 'fixtures/probe/wsgi/probe_app.py',
    answer: { environ: { $ref: '#/definitions/valueMap' }, flags: { type: 'object' } },
  },
  rack: {
    title: 'Rack: a Ruby object whose call(env) returns status, headers and body',
    specification: { name: 'Rack SPEC', url: 'https://github.com/rack/rack/blob/main/SPEC.rdoc' },
    probe: 'fixtures/probe/rack/config.ru',
    answer: { env: { $ref: '#/definitions/valueMap' }, flags: { type: 'object' } },
  },
  fetch: {
    title: 'fetch: a JavaScript handler given a Request that returns a Response',
    specification: { name: 'WHATWG Fetch', url: 'https://fetch.spec.whatwg.org/' },
    probe: 'fixtures/probe/fetch/probe.mjs',
    answer: { url: { type: 'string', pattern: '^https?://' } },
  },
  asgi: {
    title: 'ASGI 3.0: a Python coroutine given a scope, receive and send (HTTP and lifespan)',
    specification: { name: 'ASGI spec', url: 'https://asgi.readthedocs.io/en/latest/specs/www.html' },
    probe: 'fixtures/probe/asgi/probe_app.py',
    answer: {
      scope: { type: 'object', description: "the HTTP scope's keys as the server gave them; byte strings as latin-1 text, another type as {not_bytes, repr}" },
      events: { type: 'array', items: { type: 'object', required: ['type'] } },
      lifespan: { type: 'object', required: ['startup'], properties: { startup: { type: ['number', 'null'] }, shutdown: { type: ['number', 'null'] } } },
    },
  },
};

export function isGateway(name: string): name is Gateway {
  return (GATEWAYS as readonly string[]).includes(name);
}
