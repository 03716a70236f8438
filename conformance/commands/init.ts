// `conform init [DIR] --gateway wsgi|fetch|asgi`: a starter target. Writes conform.json (with a $schema
// that resolves to the installed kit), a copy of the kit's probe app for that gateway and an
// empty expectations.json, then says what to edit and what to run. A starter runs as written
// (gunicorn for WSGI, the kit's own prefork for fetch); a user swaps in their server's command.
import fs from 'node:fs';
import path from 'node:path';
import { KIT_DIR } from '../manifest.ts';
import { ReportError } from '../report/document.ts';
import { SPEC_VERSION } from '../../spec/version.ts';
import type { Gateway } from '../../spec/harness/gateways.ts';

/** What a new target of one gateway starts from: one entry per probe the kit ships. */
interface Starter {
  /** The kit's probe app for this gateway, and the name its copy gets. */
  probe: string;
  file: string;
  app: string;
  command: string[];
  env?: Record<string, string>;
  classes: Record<string, string>;
  gateway: Gateway;
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
    probe: 'fixtures/probe/wsgi/probe_app.py',
    file: 'probe_app.py',
    app: 'probe_app:app',
    command: ['/usr/bin/python3', '-m', 'gunicorn', '--chdir', '{targetDir}', ...TUNING, '{app}'],
    env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    classes: { sync: 'sync', gthread: 'gthread', async: 'gevent' },
    gateway: 'wsgi',
    profiles: ['gunicorn'],
    capabilities: ['heartbeat', 'request-timeout', 'max-requests', 'forwarded-allow-ips', 'multi-bind'],
    limits: { requestLine: 4094, headerFieldSize: 8190, headerFields: 100 },
    edit: 'command: your WSGI server in place of gunicorn (its flags for each placeholder); classes: its names for sync, threaded and evented workers',
  },
  fetch: {
    probe: 'fixtures/probe/reference/probe.ts',
    file: 'probe.ts',
    app: '{targetDir}/probe.ts',
    command: [
      'node', '{kitDir}/reference/bin/prefork.js', ...TUNING,
      '--limit-request-line', '{limitRequestLine}', '--limit-request-field-size', '{limitRequestFieldSize}', '--limit-request-fields', '{limitRequestFields}',
      '{app}',
    ],
    classes: { sync: 'sync', gthread: 'gthread', async: 'async' },
    gateway: 'fetch',
    profiles: ['gunicorn'],
    capabilities: ['heartbeat', 'request-timeout', 'max-requests', 'forwarded-allow-ips', 'multi-bind'],
    edit: "command: your Node server in place of the kit's prefork (its flags for each placeholder); app: how it loads probe.ts",
  },
  asgi: {
    probe: 'fixtures/probe/asgi/probe_app.py',
    file: 'probe_app.py',
    app: 'probe_app:app',
    command: ['/usr/bin/python3', '-m', 'uvicorn', '--app-dir', '{targetDir}', '--host', '{host}', '--port', '{port}', '--workers', '{workers}', '--timeout-keep-alive', '{keepalive}', '--lifespan', 'on', '{app}'],
    env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    classes: { async: 'asyncio' },
    gateway: 'asgi',
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
  gateway: string;
  force?: boolean;
}

export function initTarget({ dir, gateway, force }: InitOptions): number {
  const starter = STARTERS[gateway as Gateway];
  if (!starter) throw new ReportError(`--gateway ${gateway}: the kit ships probes for ${Object.keys(STARTERS).join(', ')}`);
  const target = path.resolve(dir);
  const manifestFile = path.join(target, 'conform.json');
  if (fs.existsSync(manifestFile) && !force) throw new ReportError(`${manifestFile} exists; --force overwrites conform.json, the probe and expectations.json`);
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
    gateway: starter.gateway,
    profiles: starter.profiles,
    capabilities: starter.capabilities,
    ...(starter.limits ? { limits: starter.limits } : {}),
    ...starter.more,
    readiness: { timeoutMs: 15000 },
    expectations: 'expectations.json',
  };
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  fs.writeFileSync(path.join(target, starter.file), probeSource(starter, target));
  fs.writeFileSync(path.join(target, 'expectations.json'), JSON.stringify({ expectations: [] }, null, 2) + '\n');
  const shown = path.relative(process.cwd(), target) || '.';
  console.log(
    [
      `conform init: wrote ${shown}/conform.json, ${shown}/${starter.file} (the ${gateway} probe) and ${shown}/expectations.json`,
      `  edit first: ${starter.edit}; profiles, capabilities, operations and limits: only what your server does (see README, "Checking your own server")`,
      `  then: npx conform --target ${shown} --list          # the plan`,
      `        npx conform --target ${shown} --driver process --report-json ${shown}/report.json`,
      `        npx conform expectations --update --from ${shown}/report.json   # known deviations, to review by hand`,
    ].join('\n'),
  );
  return 0;
}

/** The kit's probe, with a TypeScript probe's type import pointed at the kit where it is installed. */
function probeSource(starter: Starter, target: string): string {
  const source = fs.readFileSync(path.join(KIT_DIR, starter.probe), 'utf8');
  const types = path.relative(target, path.join(KIT_DIR, 'reference', 'gateway', 'types.ts'));
  return source.replace(/from '(\.\.\/)+reference\/gateway\/types\.ts'/, `from '${types.startsWith('.') ? types : `./${types}`}'`);
}
