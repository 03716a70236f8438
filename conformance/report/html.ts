// The matrix page: one static, self-contained HTML file (no server, no network) built from a
// MatrixDoc. Rows are the spec's cases in its groups; columns are target x class; a cell shows a
// status, and a click (or Enter) opens its message, evidence, seed and replay command. The table
// is rendered here so it reads without JavaScript; the script only filters and opens details.
import { SPEC_CLASSES, type CaseInfo } from '../catalog.ts';
import type { SpecClass } from '../../spec/harness/types.ts';
import { runName, type MatrixDoc, type ResultDoc, type RunDoc } from './document.ts';
import { STATUSES, type Status } from '../verdict.ts';

/** Text made safe inside HTML text and quoted attributes. */
export const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const LABEL: Record<Status, string> = { pass: 'pass', fail: 'FAIL', warn: 'warn', xfail: 'xfail', xpass: 'XPASS', unsupported: 'n/a', error: 'ERROR' };
/** What each chip means, for the legend's tooltips (the chips themselves are the legend). */
const MEANING: Record<Status, string> = {
  pass: 'the requirement holds',
  fail: 'a MUST is violated',
  warn: 'a SHOULD is missed',
  xfail: 'missed, as the target\'s expectations list',
  xpass: 'listed as expected to miss, but passes',
  unsupported: 'not claimed by the target',
  error: 'the kit could not run the case',
};
/** Problems, worst first, linked from the top of the page so they are on its first screen. */
const PROBLEMS: Status[] = ['fail', 'xpass', 'error'];
const SHOWN_PROBLEMS = 12;
const rowId = (id: string) => `case-${id}`;

interface Column {
  run: number;
  label: string;
}

/** What a cell's details need, by index; the table holds only the index. */
interface CellData extends ResultDoc {
  run: number;
}

function columns(runs: RunDoc[]): Column[] {
  return runs.flatMap((run, index) => run.classes.map((label) => ({ run: index, label })));
}

function runHeader(run: RunDoc, span: number): string {
  const totals = STATUSES.filter((s) => run.summary[s] > 0)
    .map((s) => `<span class="s-${s} tally">${run.summary[s]} ${s}</span>`)
    .join(' ');
  const wall = `${(run.wallMs / 1000).toFixed(1)} s`;
  return `<th class="run" colspan="${span}"><div class="name">${esc(runName(run))} <span class="version">${esc(run.target.version)}</span></div><div class="meta">driver ${esc(run.target.driver)} · ${wall}${run.shards ? ` · ${run.shards} shards` : ''}</div><div class="totals">${totals}</div></th>`;
}

function caseRow(c: CaseInfo, cols: Column[], lookup: Map<string, number>, cells: CellData[]): string {
  const statuses = new Set<string>();
  const tds = cols.map((col) => {
    const index = lookup.get(`${col.run} ${c.id} ${col.label}`);
    if (index === undefined) {
      // A spec class the case is not written for, or a (case, class) this run did not select.
      const inapplicable = SPEC_CLASSES.includes(col.label as SpecClass) && !c.classes.includes(col.label as SpecClass);
      return inapplicable ? `<td class="cell none" title="does not apply to ${esc(col.label)}">–</td>` : `<td class="cell none" title="not run">·</td>`;
    }
    const r = cells[index];
    statuses.add(r.status);
    const title = `${r.status}${r.message ? `: ${r.message.split('\n')[0].slice(0, 200)}` : ''}`;
    return `<td class="cell s-${r.status}" data-r="${index}" tabindex="0" title="${esc(title)}">${LABEL[r.status]}</td>`;
  });
  if (statuses.size === 0) statuses.add('none');
  return (
    `<tr class="case" id="${esc(rowId(c.id))}" data-id="${esc(c.id)}" data-group="${esc(c.group)}" data-level="${esc(c.level)}" data-statuses="${[...statuses].join(' ')}">` +
    `<th class="id" scope="row"><code>${esc(c.id)}</code><div class="req">${esc(c.requirement)}</div></th>` +
    `<td class="level l-${esc(c.level)}">${esc(c.level)}<div class="layer" title="layer: model, or the profile a target must claim">${esc(c.layer ?? 'model')}</div></td>${tds.join('')}</tr>`
  );
}

export function matrixHtml(doc: MatrixDoc): string {
  const cols = columns(doc.runs);
  const cells: CellData[] = [];
  const lookup = new Map<string, number>();
  doc.runs.forEach((run, index) => {
    for (const r of run.results) {
      lookup.set(`${index} ${r.id} ${r.class}`, cells.length);
      cells.push({ ...r, run: index });
    }
  });
  // Runs with the same name and version (before and after, two machines) are told apart by the
  // directory and driver each header shows; the problem links name the column the same way.
  const problems = cells
    .filter((r) => PROBLEMS.includes(r.status))
    .sort((a, b) => PROBLEMS.indexOf(a.status) - PROBLEMS.indexOf(b.status));
  const problemLinks = problems
    .slice(0, SHOWN_PROBLEMS)
    .map((r) => `<a href="#${esc(rowId(r.id))}" class="s-${r.status} tally">${LABEL[r.status]} ${esc(r.id)} [${esc(r.class)}] · ${esc(runName(doc.runs[r.run]))}</a>`)
    .join(' ');
  const problemLine =
    problems.length === 0
      ? '<p class="problems ok">No fail, unexpected pass or error.</p>'
      : `<p class="problems"><b>Needs attention (${problems.length}):</b> ${problemLinks}${problems.length > SHOWN_PROBLEMS ? ` and ${problems.length - SHOWN_PROBLEMS} more (status filter)` : ''}</p>`;
  const headRuns = doc.runs.map((run) => runHeader(run, run.classes.length)).join('');
  const headClasses = cols.map((c) => `<th class="class">${esc(c.label)}</th>`).join('');
  const bodies = doc.groups
    .map((g) => {
      const cases = doc.cases.filter((c) => c.group === g.name);
      if (cases.length === 0) return '';
      return `<tbody data-group="${esc(g.name)}"><tr class="group"><th colspan="${cols.length + 2}"><span class="gname">${esc(g.name)}</span> <span class="gsum">${esc(g.summary)}</span></th></tr>${cases.map((c) => caseRow(c, cols, lookup, cells)).join('')}</tbody>`;
    })
    .join('\n');
  const option = (v: string) => `<option value="${esc(v)}">${esc(v)}</option>`;
  const data = {
    runs: doc.runs.map((r) => ({ target: r.target, seed: r.seed })),
    cases: Object.fromEntries(doc.cases.map((c) => [c.id, { requirement: c.requirement, source: c.source, refs: c.refs, location: c.location, level: c.level }])),
    cells,
  };
  // Inside <script>, "</script" and "<!--" must not appear: every "<" becomes \u003c.
  const json = JSON.stringify(data).replaceAll('<', '\\u003c').replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>conform: pre-fork conformance matrix</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Pre-fork HTTP server conformance</h1>
<p class="sub">${esc(doc.kit.name)} ${esc(doc.kit.version)} · spec version ${esc(doc.specVersion)} · ${doc.runs.length} run(s) · generated ${esc(doc.generatedAt)}</p>
<form class="filters" id="filters" onsubmit="return false">
<label>group <select id="f-group"><option value="">all</option>${doc.groups.map((g) => option(g.name)).join('')}</select></label>
<label>level <select id="f-level"><option value="">all</option>${['MUST', 'SHOULD', 'MAY'].map(option).join('')}</select></label>
<label>status <select id="f-status"><option value="">any</option>${[...STATUSES, 'none'].map(option).join('')}</select></label>
<label>search <input id="f-text" type="search" placeholder="id or words"></label>
<span id="shown"></span>
</form>
<p class="legend">${STATUSES.map((s) => `<span class="cell s-${s}" title="${s}: ${esc(MEANING[s])}">${LABEL[s]}</span>`).join(' ')} <span class="cell none" title="does not apply to the class">–</span> <span class="cell none" title="not run">·</span> (hover for meaning; click a cell for its evidence)</p>
${problemLine}
</header>
<main>
<table id="matrix">
<thead><tr><th rowspan="2" class="corner">case</th><th rowspan="2" class="level">level</th>${headRuns}</tr><tr>${headClasses}</tr></thead>
${bodies}
</table>
</main>
<aside id="details" hidden aria-live="polite">
<button type="button" id="close" aria-label="close">×</button>
<h2 id="d-title"></h2>
<p id="d-status"></p>
<p id="d-requirement" class="req"></p>
<p id="d-asrun" class="req" hidden></p>
<dl id="d-facts"></dl>
<h3>message</h3><pre id="d-message"></pre>
<pre id="d-compared" hidden></pre>
<div id="d-expect"></div>
<h3>evidence</h3><pre id="d-evidence"></pre>
<div id="d-logs"></div>
<h3>replay</h3><pre id="d-replay"></pre>
</aside>
<script type="application/json" id="conform-data">${json}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

const STYLE = `
:root { font: 14px/1.4 system-ui, sans-serif; color: #1d2430; background: #fafbfc; }
body { margin: 0; }
header { padding: 12px 20px; background: #fff; border-bottom: 1px solid #d8dde4; position: sticky; top: 0; z-index: 3; }
h1 { font-size: 20px; margin: 0 0 2px; }
.sub, .legend { color: #5a6472; margin: 2px 0; font-size: 12px; }
.filters { display: flex; gap: 14px; align-items: center; flex-wrap: wrap; margin: 8px 0 4px; }
.filters select, .filters input { font: inherit; padding: 2px 4px; }
#shown { color: #5a6472; font-size: 12px; }
main { padding: 10px 20px 40px; overflow-x: auto; }
table { border-collapse: collapse; background: #fff; }
th, td { border: 1px solid #e1e5ea; padding: 3px 6px; vertical-align: top; }
thead th { background: #f1f3f6; font-weight: 600; text-align: center; }
th.run .name { font-size: 13px; } th.run .version { color: #5a6472; font-weight: 400; }
th.run .meta, th.run .totals { font-weight: 400; font-size: 11px; color: #5a6472; }
.tally { padding: 0 3px; border-radius: 3px; }
tr.group th { text-align: left; background: #eef1f5; font-weight: 400; color: #3b4452; }
.gname { font-weight: 700; color: #1d2430; margin-right: 6px; vertical-align: top; }
/* A group's summary must not widen the table: its line length is capped. */
.gsum { display: inline-block; max-width: 70ch; font-size: 12px; }
th.id { text-align: left; font-weight: 400; min-width: 260px; max-width: 340px; }
th.id code { font-weight: 600; }
.req { color: #5a6472; font-size: 12px; }
td.level { font-size: 11px; text-align: center; } .l-MUST { font-weight: 700; }
.layer { font-weight: 400; color: #666; }
.cell { text-align: center; font-size: 12px; min-width: 46px; width: 56px; cursor: pointer; border-radius: 2px; }
.cell.none { color: #b5bcc6; cursor: default; }
.s-pass { background: #dcf3e1; color: #14532d; }
.s-fail { background: #f8c9c9; color: #7f1010; font-weight: 700; }
.s-warn { background: #fdeab4; color: #6b4a00; }
.s-xfail { background: #d4eef0; color: #0e4a50; }
.s-xpass { background: #e9d5f7; color: #581c87; font-weight: 700; }
.s-unsupported { background: #eceef1; color: #5a6472; }
.s-error { background: repeating-linear-gradient(45deg, #f3b4b4, #f3b4b4 4px, #fbe1e1 4px, #fbe1e1 8px); color: #7f1010; font-weight: 700; }
.legend .cell { display: inline-block; padding: 0 4px; cursor: default; }
td.cell:focus, td.cell.open { outline: 2px solid #2458c6; outline-offset: -2px; }
#details { position: fixed; top: 0; right: 0; bottom: 0; width: min(600px, 92vw, max(420px, 36vw)); overflow: auto; background: #fff; border-left: 1px solid #c5ccd6; box-shadow: -4px 0 16px rgba(0,0,0,.12); padding: 14px 18px; z-index: 5; }
#details h2 { font-size: 16px; margin: 0 30px 6px 0; word-break: break-all; }
#details h3 { font-size: 12px; text-transform: uppercase; color: #5a6472; margin: 14px 0 4px; }
#details pre { background: #f5f7f9; border: 1px solid #e1e5ea; padding: 8px; white-space: pre-wrap; word-break: break-word; font-size: 12px; max-height: 40vh; overflow: auto; }
#details dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; font-size: 12px; margin: 6px 0; }
#details dt { color: #5a6472; }
/* The case column stays in view while the verdicts scroll sideways. */
th.id, th.corner { position: sticky; left: 0; z-index: 1; background: #fff; }
thead th.corner { background: #f1f3f6; z-index: 2; }
.problems { margin: 4px 0 0; font-size: 12px; } .problems a { text-decoration: none; margin-right: 2px; white-space: nowrap; }
.problems.ok { color: #14532d; }
tr.case:target th.id { outline: 2px solid #2458c6; outline-offset: -2px; }
tr.case { scroll-margin-top: 180px; } /* a linked row is not hidden under the sticky header */
/* Narrow screens: the case column shrinks to its id, the level column and the header's stickiness
   go, so that verdicts are on the first screen (checked at 400 px in a browser test). */
@media (max-width: 760px) {
  header { position: static; padding: 8px 10px; }
  main { padding: 6px 10px 30px; }
  th.id { min-width: 34vw; max-width: 40vw; overflow-wrap: anywhere; }
  th.id code { font-size: 11px; }
  .req, td.level, th.level { display: none; }
}
#close { position: absolute; top: 8px; right: 10px; font-size: 20px; border: 0; background: none; cursor: pointer; }
`;

// Plain ES2017, no dependencies: filters hide rows; a cell opens the details panel.
const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('conform-data').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.case'));
  function filter() {
    var g = $('f-group').value, l = $('f-level').value, s = $('f-status').value, t = $('f-text').value.toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!g || row.dataset.group === g) && (!l || row.dataset.level === l) &&
        (!s || row.dataset.statuses.split(' ').indexOf(s) >= 0) && (!t || row.textContent.toLowerCase().indexOf(t) >= 0);
      row.hidden = !ok;
      if (ok) shown++;
    });
    Array.prototype.forEach.call(document.querySelectorAll('tbody'), function (body) {
      body.hidden = !body.querySelector('tr.case:not([hidden])');
    });
    $('shown').textContent = shown + ' of ' + rows.length + ' cases shown';
  }
  ['f-group', 'f-level', 'f-status', 'f-text'].forEach(function (id) { $(id).addEventListener('input', filter); });
  function text(id, value) { $(id).textContent = value; }
  function open(cell) {
    var r = data.cells[Number(cell.dataset.r)], run = data.runs[r.run], c = data.cases[r.id] || {};
    Array.prototype.forEach.call(document.querySelectorAll('td.open'), function (x) { x.classList.remove('open'); });
    cell.classList.add('open');
    text('d-title', r.id + ' [' + r.class + ']');
    $('d-status').innerHTML = '';
    var badge = document.createElement('span'); badge.className = 'cell s-' + r.status; badge.textContent = r.status;
    $('d-status').appendChild(badge);
    $('d-status').appendChild(document.createTextNode(' ' + r.level + ' · ' + run.target.name + (run.target.label ? ' [' + run.target.label + ']' : '') + ' ' + run.target.version + ' · driver ' + run.target.driver));
    text('d-requirement', c.requirement || '');
    $('d-asrun').hidden = !r.asRun;
    text('d-asrun', r.asRun ? 'as run: ' + r.asRun.requirement + '; ' + r.asRun.moved.join(', ') : '');
    // References as links where there is one (http(s) only: a saved report is data, not trusted markup).
    var refs = c.refs && c.refs.length ? c.refs : (c.source ? [{ text: c.source }] : []);
    var facts = [['references', refs], ['defined at', c.location], ['duration', (r.durationMs / 1000).toFixed(2) + ' s'], ['seed', r.seed === undefined ? run.seed : r.seed]];
    $('d-facts').innerHTML = '';
    facts.forEach(function (f) {
      if (f[1] === undefined || f[1] === '') return;
      var dt = document.createElement('dt'); dt.textContent = f[0];
      var dd = document.createElement('dd');
      if (Array.isArray(f[1])) {
        if (f[1].length === 0) return;
        f[1].forEach(function (ref) {
          var line = document.createElement('div');
          if (ref.url && /^https?:/.test(ref.url)) {
            var a = document.createElement('a'); a.href = ref.url; a.textContent = ref.text; a.rel = 'noreferrer'; line.appendChild(a);
          } else line.textContent = ref.text;
          dd.appendChild(line);
        });
      } else dd.textContent = String(f[1]);
      $('d-facts').appendChild(dt); $('d-facts').appendChild(dd);
    });
    text('d-message', r.message || '(no message: the requirement held)');
    $('d-compared').hidden = !('expected' in r);
    text('d-compared', 'expected' in r ? 'expected: ' + JSON.stringify(r.expected) + '\\nactual:   ' + JSON.stringify(r.actual) : '');
    $('d-expect').innerHTML = '';
    if (r.expectation) {
      var p = document.createElement('p'); p.textContent = 'expected by the target: ' + r.expectation.reason + (r.expectation.link ? ' (' + r.expectation.link + ')' : '') + (r.expectation.unreviewed ? ' [unreviewed]' : '');
      $('d-expect').appendChild(p);
    }
    var evidence = {}, logs = $('d-logs');
    logs.innerHTML = '';
    Object.keys(r.evidence || {}).forEach(function (k) {
      if (/logs$/.test(k) && typeof r.evidence[k] === 'string') {
        var h = document.createElement('h3'); h.textContent = k; logs.appendChild(h);
        var pre = document.createElement('pre'); pre.textContent = r.evidence[k]; logs.appendChild(pre);
      } else evidence[k] = r.evidence[k];
    });
    text('d-evidence', Object.keys(evidence).length ? JSON.stringify(evidence, null, 2) : '(none recorded)');
    text('d-replay', r.replay || '');
    $('details').hidden = false;
  }
  document.getElementById('matrix').addEventListener('click', function (e) {
    var cell = e.target.closest && e.target.closest('td[data-r]');
    if (cell) open(cell);
  });
  document.getElementById('matrix').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && e.target.dataset && e.target.dataset.r !== undefined) open(e.target);
  });
  $('close').addEventListener('click', function () { $('details').hidden = true; });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') $('details').hidden = true; });
  filter();
})();
`;
