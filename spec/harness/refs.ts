// Where a case's rule comes from, as data (test262's esid, WPT's <link rel="help">): what each
// reference is, a link to it, a key to look cases up by (`conform --list --ref rfc9112#6.3`), and
// whether it is normative. A case's refs are read by `explain`, the reports and test/refs.test.ts,
// which holds every MUST to a normative reference or a server's own documentation.
import { GATEWAY_PROFILES } from './gateways.ts';

/** Servers whose documentation or code the spec cites. */
export type Server = 'gunicorn' | 'unicorn' | 'puma' | 'uwsgi' | 'nginx';

export type Ref =
  /** An IETF RFC section. */
  | { kind: 'rfc'; rfc: number; section: string; note?: string }
  /** A section of PEP 3333 (WSGI), by its heading. */
  | { kind: 'pep'; pep: number; section: string; note?: string }
  /** A section of the Rack SPEC, by its heading. */
  | { kind: 'rack'; section: string; note?: string }
  /** A section of one of the ASGI specification's documents, by its heading. */
  | { kind: 'asgi'; document: AsgiDocument; section: string; note?: string }
  /** A WHATWG standard (URL, Fetch). */
  | { kind: 'whatwg'; standard: 'url' | 'fetch'; note?: string }
  /** A server's own documentation: the field's documented convention. */
  | { kind: 'docs'; server: Server; page: string; note?: string }
  /** gunicorn's source at a release: a file and the function or name the rule comes from. */
  | { kind: 'code'; version: string; file: string; symbol?: string; note?: string }
  /** gunicorn's issue tracker. */
  | { kind: 'issue'; numbers: number[]; note?: string }
  /** gunicorn's changelog at a release. */
  | { kind: 'changelog'; version: string; note?: string }
  /** A security advisory (CVE). */
  | { kind: 'advisory'; id: string; note?: string }
  /** What the kit adds or has seen, with nothing outside to link to. */
  | { kind: 'note'; note: string };

export type AsgiDocument = 'core' | 'www' | 'lifespan';

/** The references that are a specification: a rule of the HTTP and gateway layers needs one. */
export const NORMATIVE_KINDS: ReadonlySet<Ref['kind']> = new Set(['rfc', 'pep', 'rack', 'asgi', 'whatwg']);

// Builders: the spec files read as a list of citations.
export const rfc = (number: number, section: string, note?: string): Ref => ({ kind: 'rfc', rfc: number, section, note });
export const pep3333 = (section: string, note?: string): Ref => ({ kind: 'pep', pep: 3333, section, note });
export const rackSpec = (section: string, note?: string): Ref => ({ kind: 'rack', section, note });
export const asgi = (document: AsgiDocument, section: string, note?: string): Ref => ({ kind: 'asgi', document, section, note });
export const whatwg = (standard: 'url' | 'fetch', note?: string): Ref => ({ kind: 'whatwg', standard, note });
export const docs = (server: Server, page: string, note?: string): Ref => ({ kind: 'docs', server, page, note });
/** gunicorn's code as Debian ships it (20.1.0), unless a version is named. */
export const gunicornCode = (file: string, symbol?: string, note?: string, version = '20.1.0'): Ref => ({ kind: 'code', version, file, symbol, note });
export const gunicornIssues = (numbers: number[], note?: string): Ref => ({ kind: 'issue', numbers, note });
export const changelog = (version: string, note?: string): Ref => ({ kind: 'changelog', version, note });
export const advisory = (id: string, note?: string): Ref => ({ kind: 'advisory', id, note });
export const note = (text: string): Ref => ({ kind: 'note', note: text });

const ASGI_DOCUMENTS: Record<AsgiDocument, { file: string; title: string }> = {
  core: { file: 'asgi.html', title: 'ASGI spec' },
  www: { file: 'www.html', title: 'ASGI HTTP & WebSocket spec' },
  lifespan: { file: 'lifespan.html', title: 'ASGI Lifespan spec' },
};
const ASGI_BASE = new URL('.', GATEWAY_PROFILES.asgi.specification.url).href;

/** Where each server's documentation pages live; a page is "file#anchor" under it. */
const DOCS: Record<Server, { title: string; url: (page: string) => string }> = {
  gunicorn: { title: 'gunicorn docs', url: (page) => `https://docs.gunicorn.org/en/stable/${page.replace(/^([^#]+)/, '$1.html')}` },
  unicorn: { title: 'Unicorn docs', url: (page) => `https://yhbt.net/unicorn/${page}.html` },
  puma: { title: 'Puma docs', url: (page) => `https://github.com/puma/puma/blob/master/docs/${page}.md` },
  uwsgi: { title: 'uWSGI docs', url: (page) => `https://uwsgi-docs.readthedocs.io/en/latest/${page.replace(/^([^#]+)/, '$1.html')}` },
  nginx: { title: 'nginx docs', url: (page) => `https://nginx.org/en/docs/${page.replace(/^([^#]+)/, '$1.html')}` },
};

/** A PEP's section anchor as peps.python.org writes it (docutils: lowercase, runs of other characters become one '-'). */
const slug = (heading: string) => heading.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Where to read it. */
export function refUrl(ref: Ref): string | undefined {
  switch (ref.kind) {
    case 'rfc':
      return `https://www.rfc-editor.org/rfc/rfc${ref.rfc}#section-${ref.section}`;
    case 'pep':
      return `https://peps.python.org/pep-${String(ref.pep).padStart(4, '0')}/#${slug(ref.section)}`;
    case 'rack':
      return GATEWAY_PROFILES.rack.specification.url;
    case 'asgi':
      return ASGI_BASE + ASGI_DOCUMENTS[ref.document].file;
    case 'whatwg':
      return ref.standard === 'url' ? 'https://url.spec.whatwg.org/' : GATEWAY_PROFILES.fetch.specification.url;
    case 'docs':
      return DOCS[ref.server].url(ref.page);
    case 'code':
      return `https://github.com/benoitc/gunicorn/blob/${ref.version}/gunicorn/${ref.file}`;
    case 'issue':
      return `https://github.com/benoitc/gunicorn/issues/${ref.numbers[0]}`;
    case 'changelog':
      return 'https://docs.gunicorn.org/en/stable/news.html';
    case 'advisory':
      return `https://www.cve.org/CVERecord?id=${ref.id}`;
    case 'note':
      return undefined;
  }
}

/** The reference in words, as the spec's readers cite it. */
export function refText(ref: Ref): string {
  const then = (words: string) => (ref.note ? `${words} (${ref.note})` : words);
  switch (ref.kind) {
    case 'rfc':
      return then(`RFC ${ref.rfc} section ${ref.section}`);
    case 'pep':
      return then(`PEP ${ref.pep} "${ref.section}"`);
    case 'rack':
      return then(`Rack SPEC "${ref.section}"`);
    case 'asgi':
      return then(`${ASGI_DOCUMENTS[ref.document].title} "${ref.section}"`);
    case 'whatwg':
      return then(ref.standard === 'url' ? 'WHATWG URL' : 'WHATWG Fetch');
    case 'docs':
      return then(`${DOCS[ref.server].title}: ${ref.page.replace('#', ' "') + (ref.page.includes('#') ? '"' : '')}`);
    case 'code':
      return then(`gunicorn ${ref.version} ${ref.file}${ref.symbol ? ` ${ref.symbol}` : ''}`);
    case 'issue':
      return then(`gunicorn ${ref.numbers.map((n) => `#${n}`).join(', ')}`);
    case 'changelog':
      return then(`gunicorn ${ref.version} changelog`);
    case 'advisory':
      return then(ref.id);
    case 'note':
      return ref.note;
  }
}

/**
 * The key `--ref` looks cases up by: "rfc9112#6.3", "pep3333#environ-variables", "rack#the-environment",
 * "asgi-www#http-connection-scope", "whatwg-url", "gunicorn-docs#settings/timeout",
 * "gunicorn:arbiter.py#murder_workers", "gunicorn#908", "cve-2024-1135", "note".
 */
export function refKey(ref: Ref): string[] {
  switch (ref.kind) {
    case 'rfc':
      return [`rfc${ref.rfc}#${ref.section}`];
    case 'pep':
      return [`pep${ref.pep}#${slug(ref.section)}`];
    case 'rack':
      return [`rack#${slug(ref.section)}`];
    case 'asgi':
      return [`asgi-${ref.document}#${slug(ref.section)}`];
    case 'whatwg':
      return [`whatwg-${ref.standard}`];
    case 'docs':
      return [`${ref.server}-docs#${ref.page.replace('#', '/').toLowerCase()}`];
    case 'code':
      return [`gunicorn:${ref.file}${ref.symbol ? `#${ref.symbol.replace(/\(\)$/, '')}` : ''}`];
    case 'issue':
      return ref.numbers.map((n) => `gunicorn#${n}`);
    case 'changelog':
      return [`gunicorn-changelog#${ref.version}`];
    case 'advisory':
      return [ref.id.toLowerCase()];
    case 'note':
      return ['note'];
  }
}

/**
 * Whether a reference answers `query` (any case): its key, or a key under it: "rfc9112" covers
 * every section of RFC 9112, "rfc9112#6" sections 6, 6.1, 6.3 (not 60), "gunicorn:arbiter.py" every
 * function of that file.
 */
export function refMatches(ref: Ref, query: string): boolean {
  const q = query.trim().toLowerCase();
  return refKey(ref).some((key) => key === q || ['#', '.', '/'].some((sep) => key.startsWith(q + sep)));
}

/** The references in words, one line: what `source` said before references were data. */
export function refsText(refs: readonly Ref[]): string {
  return refs.map(refText).join('; ');
}

/** What a case must cite, by its group, level and layer (spec/README.md, "References"). */
export interface Citing {
  id: string;
  group: string;
  level: string;
  /** 'model' or the profile. */
  layer: string;
  refs: readonly Ref[];
}

/**
 * The cases whose references fall short, each with why: every case cites something; a MUST of the
 * HTTP or gateway groups, or of a gateway profile, cites a specification; any other MUST of the
 * model a specification or a server's own documentation (code alone is no rule of the field); a
 * case of the gunicorn profile cites gunicorn's documentation or code.
 */
export function citationGaps(cases: readonly Citing[]): string[] {
  const gaps: string[] = [];
  for (const c of cases) {
    const kinds = new Set(c.refs.map((r) => r.kind));
    const normative = c.refs.some((r) => NORMATIVE_KINDS.has(r.kind));
    if (c.refs.length === 0) gaps.push(`${c.id}: cites nothing`);
    else if (c.layer === 'gunicorn') {
      if (!c.refs.some((r) => r.kind === 'code' || (r.kind === 'docs' && r.server === 'gunicorn'))) gaps.push(`${c.id}: a gunicorn-profile case cites neither gunicorn's documentation nor its code`);
    } else if (c.level === 'MUST' && (c.group === 'http' || c.group === 'gateway' || c.layer !== 'model')) {
      if (!normative) gaps.push(`${c.id}: a MUST of the HTTP and gateway rules cites no specification (RFC, PEP, Rack SPEC, ASGI, WHATWG)`);
    } else if (c.level === 'MUST' && !normative && !kinds.has('docs')) gaps.push(`${c.id}: a MUST of the model cites neither a specification nor a server's documentation`);
  }
  return gaps;
}
