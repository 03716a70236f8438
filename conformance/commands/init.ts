// `conform init [DIR] --gateway wsgi|fetch|asgi`: a starter target. Writes conform.json (with a $schema
// that resolves to the installed kit), a copy of the kit's probe app for that gateway and an
// empty expectations.json, then says what to edit, what the starter does not claim, and what to
// run. A starter runs as written (gunicorn for WSGI, the kit's own prefork serving the plain
// fetch probe, uvicorn for ASGI); a user swaps in their server's command. What a starter claims
// (profiles, capabilities, operations) is only what any server of its kind can be asked for, so
// that a swapped-in server has cases unsupported rather than failed until its author claims more.
import fs from 'node:fs';
import path from 'node:path';
import { KIT_DIR } from '../manifest.ts';
import { ReportError } from '../report/document.ts';
import { SPEC_VERSION } from '../../spec/version.ts';
import { GATEWAY_PROFILES, type Gateway } from '../../spec/harness/gateways.ts';
import { CAPABILITIES, OPERATIONS, type Capability, type Operation } from '../../spec/harness/types.ts';

/**
 * What a new target of one gateway starts from, beside the gateway's probe (the registry's, copied
 * under its own name): a server that runs it as written.
 */
interface Starter {
  app: string;
  command: string[];
  env?: Record<string, string>;
  classes: Record<string, string>;
  profiles: string[];
  capabilities: string[];
  /** Fixed limits, for a starter whose command does not set them. */
  limits?: Record<string, number>;
  /** More manifest fields the server needs (bounds, helpers, its operations). */
  more?: Record<string, unknown>;
  /** What to change first, printed after writing. */
  edit: string;
}

const TUNING = [
  '--bind', '{host}:{port}', '{extraBinds}',
  '--workers', '{workers}', '--worker-class', '{workerClass}', '--threads', '{threads}',
  '--worker-connections', '{connections}', '--timeout', '{timeout}', '--graceful-timeout', '{gracefulTimeout}',
  '--keep-alive', '{keepalive}', '--max-requests', '{maxRequests}', '--max-requests-jitter', '{maxRequestsJitter}',
];

export const STARTERS: Partial<Record<Gateway, Starter>> = {
  wsgi: {
    app: 'probe_app:app',
    command: ['/usr/bin/python3', '-m', 'gunicorn', '--chdir', '{targetDir}', ...TUNING, '{app}'],
    env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    classes: { sync: 'sync', gthread: 'gthread', async: 'gevent' },
    profiles: ['gunicorn'],
    capabilities: ['heartbeat', 'request-timeout', 'max-requests', 'forwarded-allow-ips', 'multi-bind'],
    limits: { requestLine: 4094, headerFieldSize: 8190, headerFields: 100 },
    edit: 'command: your WSGI server in place of gunicorn (its flags for each placeholder); classes: its names for sync, threaded and evented workers',
  },
  fetch: {
    // The registry's probe is the plain one (a `(request) => Response` module any Node server can
    // load), not the reference's own, which reads prefork's second argument.
    app: '{targetDir}/probe.mjs',
    command: [
      'node', '{kitDir}/reference/bin/prefork.js', ...TUNING,
      '--limit-request-line', '{limitRequestLine}', '--limit-request-field-size', '{limitRequestFieldSize}', '--limit-request-fields', '{limitRequestFields}',
      '{app}',
    ],
    classes: { sync: 'sync', gthread: 'gthread', async: 'async' },
    profiles: [],
    capabilities: [],
    more: { operations: { gracefulStop: 'SIGTERM', gracefulExit: { code: 0 } } },
    edit: "command: your Node server in place of the kit's prefork (its flags for each placeholder; drop what it lacks); app: how it loads probe.mjs; classes: its own (a node:cluster server has one: async)",
  },
  asgi: {
    app: 'probe_app:app',
    command: ['/usr/bin/python3', '-m', 'uvicorn', '--app-dir', '{targetDir}', '--host', '{host}', '--port', '{port}', '--workers', '{workers}', '--timeout-keep-alive', '{keepalive}', '--lifespan', 'on', '{app}'],
    env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    classes: { async: 'asyncio' },
    profiles: [],
    capabilities: [],
    more: {
      operations: { gracefulStop: 'SIGTERM', gracefulExit: { code: 0 } },
      settings: { workers: { min: 2 } },
      processes: { helpers: ['multiprocessing\\.resource_tracker'] },
    },
    edit: 'command: your ASGI server in place of uvicorn (its flags for each placeholder); settings, processes and operations: what your server does (see fixtures/targets/uvicorn, hypercorn, gunicorn-uvicorn)',
  },
};

export interface InitOptions {
  dir: string;
  gateway?: string;
  /** A target the kit ships (fixtures/targets/NAME): its manifest, files and reviewed expectations. */
  from?: string;
  force?: boolean;
}

/** The targets the kit ships, by directory name: the field's servers with reasoned expectations. */
export const SHIPPED_TARGETS_DIR = path.join(KIT_DIR, 'fixtures', 'targets');
export function shippedTargets(): string[] {
  return fs.readdirSync(SHIPPED_TARGETS_DIR).filter((name) => fs.existsSync(path.join(SHIPPED_TARGETS_DIR, name, 'conform.json'))).sort();
}

export function initTarget({ dir, gateway, from, force }: InitOptions): number {
  if ((gateway === undefined) === (from === undefined)) throw new ReportError('conform init: say either --gateway NAME (a starter) or --from SERVER (a target the kit ships)');
  const target = path.resolve(dir);
  const manifestFile = path.join(target, 'conform.json');
  if (fs.existsSync(manifestFile) && !force) throw new ReportError(`${manifestFile} exists; --force overwrites conform.json, the probe and expectations.json`);
  if (from !== undefined) return initFrom(from, target);
  const starter = STARTERS[gateway as Gateway];
  if (!starter) throw new ReportError(`--gateway ${gateway}: the kit ships probes for ${Object.keys(STARTERS).join(', ')}`);
  const { probe } = GATEWAY_PROFILES[gateway as Gateway];
  const file = path.basename(probe);
  fs.mkdirSync(target, { recursive: true });
  const manifest = {
    $schema: path.relative(target, path.join(KIT_DIR, 'conformance', 'conform.schema.json')),
    name: path.basename(target),
    version: '0.0.0',
    specVersion: SPEC_VERSION,
    command: starter.command,
    extraBind: ['--bind', '{host}:{port}'],
    ...(starter.env ? { env: starter.env } : {}),
    app: starter.app,
    classes: starter.classes,
    gateway,
    profiles: starter.profiles,
    capabilities: starter.capabilities,
    ...(starter.limits ? { limits: starter.limits } : {}),
    ...starter.more,
    readiness: { timeoutMs: 15000 },
    expectations: 'expectations.json',
  };
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  fs.copyFileSync(path.join(KIT_DIR, probe), path.join(target, file));
  fs.writeFileSync(path.join(target, 'expectations.json'), JSON.stringify({ expectations: [] }, null, 2) + '\n');
  const shown = path.relative(process.cwd(), target) || '.';
  console.log(
    [
      `conform init: wrote ${shown}/conform.json, ${shown}/${file} (the ${gateway} probe) and ${shown}/expectations.json`,
      `  edit first: ${starter.edit}; profiles, capabilities, operations and limits: only what your server does (see README, "The manifest")`,
      ...unclaimed(starter),
      `  then: npx conform --target ${shown} --list          # the plan`,
      `        npx conform --target ${shown} --driver process --report-json ${shown}/report.json`,
      `        npx conform expectations --update --from ${shown}/report.json   # known deviations, to review by hand`,
    ].join('\n'),
  );
  return 0;
}

/**
 * A copy of a shipped target: every file of its directory (manifest, server config, README,
 * expectations), the manifest's $schema pointed at the installed kit. Its {kitDir} paths (probes,
 * the node:cluster server) resolve to the installed kit, its {targetDir} paths to the copy.
 */
function initFrom(name: string, target: string): number {
  const known = shippedTargets();
  if (!known.includes(name)) throw new ReportError(`--from ${name}: the kit ships ${known.join(', ')}`);
  const source = path.join(SHIPPED_TARGETS_DIR, name);
  fs.mkdirSync(target, { recursive: true });
  const files = fs.readdirSync(source).filter((f) => fs.statSync(path.join(source, f)).isFile());
  for (const file of files) fs.copyFileSync(path.join(source, file), path.join(target, file));
  const manifestFile = path.join(target, 'conform.json');
  const text = fs.readFileSync(manifestFile, 'utf8');
  const manifest = JSON.parse(text);
  // Only the $schema line changes: the file keeps the layout its authors gave it.
  const schema = JSON.stringify(path.relative(target, path.join(KIT_DIR, 'conformance', 'conform.schema.json')));
  fs.writeFileSync(manifestFile, text.replace(/"\$schema":\s*"[^"]*"/, () => `"$schema": ${schema}`));
  const entries = manifest.expectations ? (JSON.parse(fs.readFileSync(path.join(target, manifest.expectations), 'utf8')).expectations ?? []).length : 0;
  const shown = path.relative(process.cwd(), target) || '.';
  console.log(
    [
      `conform init: copied the kit's ${name} target (${manifest.name} ${manifest.version}) to ${shown}: ${files.join(', ')}`,
      ...(entries > 0 ? [`  ${entries} reviewed expectation(s), each reproduced by hand for that version: a newer version may pass some (xpass) or miss differently ("the miss changed")`] : []),
      ...(files.includes('README.md') ? [`  how the server maps onto the kit: ${shown}/README.md`] : []),
      `  then: npx conform --target ${shown} --driver process`,
    ].join('\n'),
  );
  return 0;
}

/** One line per profile, capability and operation the starter does not claim: what claiming it asks of the server. */
function unclaimed(starter: Starter): string[] {
  const lines: string[] = [];
  if (!starter.profiles.includes('gunicorn')) lines.push(`profiles += "gunicorn": the server takes gunicorn's settings with their meanings (sync with threads is gthread, timeout 0 is off, ...)`);
  for (const [name, meaning] of Object.entries(CAPABILITIES)) {
    if (!starter.capabilities.includes(name as Capability)) lines.push(`capabilities += "${name}": ${meaning}`);
  }
  // Without an operations section the kit assumes gunicorn's signals, so a starter that has one lists the others.
  const operations = starter.more?.operations as Partial<Record<Operation, unknown>> | undefined;
  if (operations) {
    for (const name of OPERATIONS) if (!(name in operations)) lines.push(`operations.${name}: the signal or command that does it, if your server has one`);
  }
  return lines.length === 0 ? [] : ['  not claimed (its cases are unsupported; claim what your server does):', ...lines.map((l) => `    ${l}`)];
}
