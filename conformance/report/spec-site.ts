// The spec as a static site (`conform docs --out DIR`), for reading rather than running: an index
// by group and by reference, and a page per case with its requirement, level, layer, references as
// links, what it needs, the check's source, and, given reports, each target's verdict with its
// expectation's reason. Plain HTML and one inline stylesheet: it loads nothing from anywhere and
// reads the same from a file:// URL, a static host or a CI artifact.
import fs from 'node:fs';
import path from 'node:path';
import { caseCatalog, groupCatalog, type CaseInfo } from '../catalog.ts';
import { KIT_DIR } from '../manifest.ts';
import { SPEC_VERSION } from '../../spec/version.ts';
import { runName, type RunDoc } from './document.ts';
import { esc } from './html.ts';

/** Inline `code` of the requirement sentences, as the spec writes it. */
const prose = (s: string) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');
const caseFile = (id: string) => `${id}.html`;

const STYLE = `
:root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; --pass: #15803d; --fail: #b91c1c; --warn: #a16207; }
body { font: 15px/1.55 system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid var(--line) }
code, pre { font: 13px/1.45 ui-monospace, monospace } pre { overflow-x: auto; padding: .75rem; border: 1px solid var(--line); border-radius: 4px }
table { border-collapse: collapse; width: 100% } td, th { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--line) }
.id { white-space: nowrap } .muted, .layer { color: var(--muted) } .level { font-weight: 600 }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem } dt { color: var(--muted) } dd { margin: 0 }
.s-pass { color: var(--pass) } .s-fail, .s-error, .s-xpass { color: var(--fail); font-weight: 600 } .s-warn, .s-xfail { color: var(--warn) }
h1 code { font-size: inherit } .kind { color: var(--muted); font-size: .85em }
@media (max-width: 600px) {
  body { padding: .5rem } dl { grid-template-columns: 1fr } dt { margin-top: .5rem }
  /* A row per case becomes a block: the id on its line, then level and requirement. */
  table.cases thead { display: none } table.cases tr { display: block; padding: .4rem 0; border-bottom: 1px solid var(--line) }
  table.cases td { display: inline; border: 0; padding: 0 .4rem 0 0 } table.cases td.id { display: block } table.cases td.req { display: block }
}
`;

function page(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head>\n<body>\n${body}\n</body>\n</html>\n`;
}

/** The case as its author wrote it: its file from the declaration on (the imports left out). */
export function caseSource(location: string): string | undefined {
  const [file] = location.split(':');
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(KIT_DIR, file), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const start = lines.findIndex((l) => l.startsWith('export const '));
  return start < 0 ? undefined : lines.slice(start).join('\n').trimEnd();
}

function refsList(c: CaseInfo): string {
  return `<ul>${c.refs.map((r) => `<li>${r.url ? `<a href="${esc(r.url)}" rel="noreferrer">${esc(r.text)}</a>` : esc(r.text)}${r.normative ? ' <span class="kind">specification</span>' : ''}</li>`).join('')}</ul>`;
}

function verdicts(c: CaseInfo, runs: readonly RunDoc[]): string {
  const rows = runs.flatMap((run) =>
    run.results.filter((r) => r.id === c.id).map((r) => `<tr><td>${esc(runName(run))} ${esc(run.target.version)}</td><td>${esc(r.class)}</td><td class="s-${esc(r.status)}">${esc(r.status)}</td><td>${esc(r.expectation?.reason ?? (r.status === 'pass' ? '' : r.message.split('\n')[0]))}</td></tr>`),
  );
  if (rows.length === 0) return '';
  return `<h2>Verdicts</h2><table><thead><tr><th>target</th><th>class</th><th>status</th><th>why (the expectation's reason, or what was seen)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function casePage(c: CaseInfo, runs: readonly RunDoc[]): string {
  const needs = [...c.needs, ...c.operations.map((o) => `operations.${o}`), ...c.limits.map((l) => `limits.${l}`), ...c.settings.map((s) => `{${s}}`)];
  const source = caseSource(c.location);
  return page(
    `${c.id} · pre-fork server specification`,
    `<p><a href="index.html">The specification</a> › <a href="index.html#group-${esc(c.group)}">${esc(c.group)}</a></p>
<h1><code>${esc(c.id)}</code></h1>
<p><span class="level">${esc(c.level)}</span> · ${c.layer === 'model' ? 'model: any pre-fork server' : `profile ${esc(c.layer)}`}</p>
<p class="requirement">${prose(c.requirement)}</p>
<dl><dt>classes</dt><dd>${esc(c.classes.join(', '))}</dd><dt>needs</dt><dd>${esc(needs.join(', ') || 'nothing beyond the probe app')}</dd><dt>defined at</dt><dd><code>${esc(c.location)}</code></dd></dl>
<h2>References</h2>${refsList(c)}
${verdicts(c, runs)}
${source ? `<h2>The check</h2><pre><code>${esc(source)}</code></pre>` : ''}`,
  );
}

function indexPage(cases: readonly CaseInfo[], runs: readonly RunDoc[]): string {
  const groups = groupCatalog()
    .map((g) => {
      const rows = cases.filter((c) => c.group === g.name).map((c) => `<tr><td class="id"><a href="${esc(caseFile(c.id))}"><code>${esc(c.id)}</code></a></td><td class="level">${esc(c.level)}</td><td class="layer">${esc(c.layer)}</td><td class="req">${prose(c.requirement)}</td></tr>`);
      return `<h2 id="group-${esc(g.name)}">${esc(g.name)}</h2><p>${prose(g.summary)}</p><table class="cases"><thead><tr><th>case</th><th>level</th><th class="layer">layer</th><th>requirement</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
    })
    .join('\n');
  // By reference: each one cited, in words, with the cases that cite it.
  const cited = new Map<string, { url?: string; ids: string[] }>();
  for (const c of cases) for (const r of c.refs) {
    const key = r.text.replace(/ \(.*\)$/s, ''); // one entry per section, whatever each case notes
    const entry = cited.get(key) ?? { url: r.url, ids: [] };
    if (!entry.ids.includes(c.id)) entry.ids.push(c.id);
    cited.set(key, entry);
  }
  const byRef = [...cited.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([text, { url, ids }]) => `<tr><td>${url ? `<a href="${esc(url)}" rel="noreferrer">${esc(text)}</a>` : esc(text)}</td><td>${ids.map((id) => `<a href="${esc(caseFile(id))}"><code>${esc(id)}</code></a>`).join(' ')}</td></tr>`);
  const from = runs.length ? `<p class="muted">Verdicts from ${runs.map((r) => esc(`${runName(r)} ${r.target.version}`)).join(', ')}.</p>` : '';
  return page(
    'The pre-fork server specification',
    `<h1>The pre-fork server specification <span class="muted">(version ${esc(SPEC_VERSION)})</span></h1>
<p>How a pre-fork HTTP server must behave, as ${cases.length} cases the conformance kit runs: a MUST is a requirement, a SHOULD a recommendation; the model holds for any well-behaved pre-fork server, a profile (gunicorn, wsgi, rack, fetch, asgi) for servers that claim it. Each case links to where its rule comes from.</p>
${from}
<p><a href="#by-reference">By reference</a></p>
${groups}
<h2 id="by-reference">By reference</h2><table><thead><tr><th>reference</th><th>cases</th></tr></thead><tbody>${byRef.join('')}</tbody></table>`,
  );
}

/** Writes the site into `dir`; the files written. */
export function writeSpecSite(dir: string, runs: readonly RunDoc[] = []): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const cases = caseCatalog();
  const files = [['index.html', indexPage(cases, runs)], ...cases.map((c) => [caseFile(c.id), casePage(c, runs)])];
  for (const [name, html] of files) fs.writeFileSync(path.join(dir, name), html);
  return files.map(([name]) => name);
}
