// conform.json: reading, validating (with errors that name the field and the fix) and expanding
// placeholders. The JSON Schema beside this file is the single source of the shape.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { type Capability, type ExitStatus, type Gateway, type Limit, type Operation, type OperationStep, type Profile, type ServerConfig, type SpecClass, type TargetTraits } from '../spec/harness/types.ts';
import { SPEC_VERSION } from '../spec/version.ts';

export const KIT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMA_PATH = path.join(KIT_DIR, 'conformance', 'conform.schema.json');

export interface Manifest {
  name: string;
  version: string;
  specVersion: string;
  command: string[];
  /** argv for one more bind address, spliced in at the command's {extraBinds} once per address. */
  extraBind?: string[];
  env?: Record<string, string>;
  app?: string;
  classes: Partial<Record<SpecClass, string | ClassSpec>>;
  extraClasses?: Record<string, ClassSpec & { kind: SpecClass }>;
  /** The gateway the probe app speaks: picks the gateway profile's cases. */
  gateway: Gateway;
  /** Profiles besides the gateway the server claims (`gunicorn`: gunicorn's settings and meanings). */
  profiles?: Array<Exclude<Profile, Gateway>>;
  capabilities?: Capability[];
  /** The way(s) to ask for each operation; absent: gunicorn's signals; an operation left out is unsupported. */
  operations?: Partial<Record<Operation, StepSpec | StepSpec[]>> & { gracefulExit?: { code?: number; signal?: string }; reloadKeepsCount?: boolean };
  /** Fixed limits of the server (a limit the command sets through a placeholder is not listed). */
  limits?: Partial<Record<Limit, number>>;
  /** Bounds the server puts on its settings: a case's value outside them is moved inside (0, "off", is kept). */
  settings?: Partial<Record<BoundedSetting, { min?: number; max?: number }>>;
  /** Which process is the master when not the started one, and which of its children are not workers. */
  processes?: { master?: string; workers?: string; helpers?: string[] };
  readiness?: { timeoutMs?: number; logLine?: string };
  expectations?: string;
  container?: ContainerSection;
}

/** How the container driver gets an image for the target (see drivers/image.ts). */
export interface ContainerSection {
  dockerfile?: string;
  image?: string;
  offline?: boolean;
  mounts?: string[];
}

/** An operation step as the manifest writes it: a signal name (to the master), or an object. */
export type StepSpec = string | { signal: string; to?: 'master' | 'started' } | { command: string[] };

function toStep(spec: StepSpec): OperationStep {
  if (typeof spec === 'string') return { signal: spec as NodeJS.Signals, to: 'master' };
  if ('command' in spec) return { command: spec.command };
  return { signal: spec.signal as NodeJS.Signals, to: spec.to ?? 'master' };
}

/** A class in the manifest: the server's name for it ({workerClass}), and arguments or environment it needs. */
export interface ClassSpec {
  workerClass?: string;
  /** Spliced in at the command's {classArgs} element; placeholders as in command. */
  args?: string[];
  env?: Record<string, string>;
}

/** A class as one run sees it: the label reports use, the spec class, the server's name and extras. */
/** A class as a run knows it: its label, the spec class it is judged as, and the server's name for it. */
export interface RunClass {
  /** What reports call it: the manifest's key (sync, gthread, async, or an extra class such as eventlet). */
  label: string;
  specClass: SpecClass;
  /** The server's own name ({workerClass} in the command). */
  workerClass: string;
  args?: string[];
  env?: Record<string, string>;
}

function toRunClass(label: string, specClass: SpecClass, spec: string | ClassSpec): RunClass {
  if (typeof spec === 'string') return { label, specClass, workerClass: spec };
  return { label, specClass, workerClass: spec.workerClass ?? '', ...(spec.args ? { args: spec.args } : {}), ...(spec.env ? { env: spec.env } : {}) };
}

/** Everything a driver needs, as plain data (a report records it). */
export interface Target {
  dir: string;
  manifest: Manifest;
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

const PLACEHOLDERS = [
  'host', 'port', 'workers', 'workerClass', 'threads', 'connections', 'timeout', 'gracefulTimeout',
  'keepalive', 'maxRequests', 'maxRequestsJitter', 'limitRequestLine', 'limitRequestFieldSize', 'limitRequestFields',
  'app', 'targetDir', 'kitDir', 'stateDir',
] as const;

/** Settings a manifest may bound (Unicorn refuses a timeout under 3 s). */
export type BoundedSetting = 'workers' | 'threads' | 'connections' | 'timeout' | 'gracefulTimeout' | 'keepalive' | 'maxRequests';

/**
 * A case's configuration within the target's declared bounds. 0 stays 0 (the kit's "off"); a
 * case reads its timing windows from server.config, so a raised timeout moves them with it.
 */
export function withinBounds(manifest: Manifest, config: ServerConfig): ServerConfig {
  const bounded = { ...config };
  for (const [name, { min, max } = {}] of Object.entries(manifest.settings ?? {}) as Array<[BoundedSetting, { min?: number; max?: number }]>) {
    const value = bounded[name];
    if (value === 0) continue;
    if (min !== undefined && value < min) bounded[name] = min;
    if (max !== undefined && value > max) bounded[name] = max;
  }
  return bounded;
}

/** The placeholder through which the kit sets each limit on the command line. */
type LimitSetting = 'limitRequestLine' | 'limitRequestFieldSize' | 'limitRequestFields';
export const LIMIT_PLACEHOLDERS: Record<Limit, LimitSetting> = {
  requestLine: 'limitRequestLine',
  headerFieldSize: 'limitRequestFieldSize',
  headerFields: 'limitRequestFields',
};

/** Capabilities of spec version 1 that version 2 says another way: the message names the new way. */
const REPLACED_CAPABILITIES: Record<string, string> = {
  signals: 'capability "signals" is gone in spec version 2: say which signal does what in "operations" (omit it to keep gunicorn\'s signals)',
  wsgi: 'capability "wsgi" is gone in spec version 2: say "gateway": "wsgi"',
};

/** The command element that becomes the extraBind template once per extra address. */
const EXTRA_BINDS = '{extraBinds}';
/** The command element that becomes the run class's args. */
const CLASS_ARGS = '{classArgs}';

function describe(error: ErrorObject): string {
  const where = error.instancePath ? error.instancePath.slice(1).replaceAll('/', '.') : '(top level)';
  switch (error.keyword) {
    case 'required':
      return `${where}: missing required field "${error.params.missingProperty}"`;
    case 'additionalProperties':
      return `${where}: unknown field "${error.params.additionalProperty}" (check its spelling against conform.schema.json)`;
    case 'enum':
      return `${where}: ${error.message}: ${(error.params.allowedValues as unknown[]).join(', ')}`;
    default:
      return `${where}: ${error.message}`;
  }
}

let validator: ReturnType<Ajv['compile']> | undefined;

export function validateManifest(data: unknown): Manifest {
  const replaced = ((data as { capabilities?: unknown })?.capabilities as unknown[] | undefined)?.filter?.((c): c is string => typeof c === 'string' && c in REPLACED_CAPABILITIES) ?? [];
  if (replaced.length > 0) throw new ManifestError(`invalid manifest:\n  - ${replaced.map((c) => REPLACED_CAPABILITIES[c]).join('\n  - ')}`);
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')));
  if (!validator(data)) {
    throw new ManifestError(`invalid manifest:\n  - ${(validator.errors ?? []).map(describe).join('\n  - ')}`);
  }
  const manifest = data as Manifest;
  checkExtraBinds(manifest);
  checkClassArgs(manifest);
  const unknown = templateParts(manifest)
    .filter((part) => part !== EXTRA_BINDS && part !== CLASS_ARGS)
    .flatMap((part) => [...part.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))
    .filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new ManifestError(
      `invalid manifest: unknown placeholder(s) ${unknown.map((n) => `{${n}}`).join(', ')}; known: ${PLACEHOLDERS.map((n) => `{${n}}`).join(' ')}`,
    );
  }
  if (manifest.command.some((part) => part.includes('{app}')) && !manifest.app) {
    throw new ManifestError('invalid manifest: command uses {app} but no "app" field says what it expands to');
  }
  checkOperations(manifest);
  for (const [limit, placeholder] of Object.entries(LIMIT_PLACEHOLDERS)) {
    if (manifest.limits?.[limit as Limit] !== undefined && usesPlaceholder(manifest, placeholder)) {
      throw new ManifestError(`invalid manifest: limits.${limit} is fixed at ${manifest.limits[limit as Limit]} but the command also sets it with {${placeholder}}: keep one`);
    }
  }
  checkPattern(manifest.processes?.master, 'processes.master');
  checkPattern(manifest.processes?.workers, 'processes.workers');
  (manifest.processes?.helpers ?? []).forEach((helper, i) => checkPattern(helper, `processes.helpers.${i}`));
  checkPattern(manifest.readiness?.logLine, 'readiness.logLine');
  return manifest;
}

/** A field that holds a regular expression must compile: named with the field where it does not. */
function checkPattern(pattern: string | undefined, field: string): void {
  if (pattern === undefined) return;
  try {
    new RegExp(pattern);
  } catch (error) {
    throw new ManifestError(`invalid manifest: ${field} is not a regular expression: ${(error as Error).message}`);
  }
}

/** {classArgs} is a command element of its own, present when some class has args. */
function checkClassArgs(manifest: Manifest): void {
  if (manifest.command.some((part) => part.includes(CLASS_ARGS) && part !== CLASS_ARGS)) {
    throw new ManifestError(`invalid manifest: ${CLASS_ARGS} must be a command element of its own (it becomes the class's args)`);
  }
  const objects = Object.entries({ ...manifest.classes, ...manifest.extraClasses }).filter((entry): entry is [string, ClassSpec] => typeof entry[1] === 'object');
  const withArgs = objects.filter(([, c]) => c.args?.length);
  if (withArgs.length > 0 && !manifest.command.includes(CLASS_ARGS)) {
    throw new ManifestError(`invalid manifest: classes ${withArgs.map(([k]) => k).join(', ')} have "args" but command has no "${CLASS_ARGS}" element to put them in`);
  }
  const bare = objects.filter(([, c]) => !c.workerClass);
  if (bare.length > 0 && manifest.command.some((part) => part.includes('{workerClass}'))) {
    throw new ManifestError(`invalid manifest: command uses {workerClass} but classes ${bare.map(([k]) => k).join(', ')} name none ("workerClass")`);
  }
}

/** Every string of the manifest that takes placeholders: command, extraBind, env, app, and the classes' args and env. */
function templateParts(manifest: Manifest): string[] {
  const classes = [...Object.values(manifest.classes), ...Object.values(manifest.extraClasses ?? {})].flatMap((c) =>
    typeof c === 'string' ? [] : [...(c.args ?? []), ...Object.values(c.env ?? {})],
  );
  const commands = operationSpecs(manifest).flatMap(([, steps]) => steps.flatMap((s) => (typeof s === 'object' && 'command' in s ? s.command : [])));
  return [...manifest.command, ...(manifest.extraBind ?? []), ...Object.values(manifest.env ?? {}), manifest.app ?? '', ...classes, ...commands];
}

export function usesPlaceholder(manifest: Manifest, name: string): boolean {
  return templateParts(manifest).some((part) => part.includes(`{${name}}`));
}

/** The manifest's operations (gracefulExit and reloadKeepsCount aside), each as its list of step specs. */
function operationSpecs(manifest: Manifest): Array<[Operation, StepSpec[]]> {
  return Object.entries(manifest.operations ?? {})
    .filter(([k]) => k !== 'gracefulExit' && k !== 'reloadKeepsCount')
    .map(([k, v]) => [k as Operation, [v as StepSpec | StepSpec[]].flat()]);
}

/** Signal names must exist on this system: a typo would otherwise surface as a kit error mid-run. */
function checkOperations(manifest: Manifest): void {
  const known = new Set(Object.keys(os.constants.signals));
  for (const [operation, steps] of operationSpecs(manifest)) {
    for (const step of steps) {
      const name = typeof step === 'string' ? step : 'signal' in step ? step.signal : undefined;
      if (name !== undefined && !known.has(name)) throw new ManifestError(`invalid manifest: operations.${operation}: "${name}" is not a signal name here (e.g. "SIGTERM", "SIGHUP")`);
    }
  }
  const exit = manifest.operations?.gracefulExit;
  if (exit?.signal !== undefined && !known.has(exit.signal)) throw new ManifestError(`invalid manifest: operations.gracefulExit.signal: "${exit.signal}" is not a signal name here`);
}

const toMaster = (...signals: NodeJS.Signals[]): OperationStep[] => signals.map((signal) => ({ signal, to: 'master' }));

/** gunicorn's signals: what a target that says nothing of its operations is driven with. */
export const GUNICORN_OPERATIONS: Record<Operation, OperationStep[]> = {
  gracefulStop: toMaster('SIGTERM'),
  quickStop: toMaster('SIGQUIT', 'SIGINT'),
  reload: toMaster('SIGHUP'),
  addWorker: toMaster('SIGTTIN'),
  removeWorker: toMaster('SIGTTOU'),
};

/** What a case knows of the target: its operations (gunicorn's by default), graceful exit and limits. */
export function targetTraits(manifest: Manifest, defaults: Pick<ServerConfig, LimitSetting>): TargetTraits {
  const declared = manifest.operations;
  const operations = declared ? Object.fromEntries(operationSpecs(manifest).map(([k, steps]) => [k, steps.map(toStep)])) : GUNICORN_OPERATIONS;
  const exit = declared?.gracefulExit;
  const gracefulExit: ExitStatus = exit ? { code: exit.code ?? null, signal: exit.signal ?? null } : { code: 0, signal: null };
  const limits: TargetTraits['limits'] = {};
  for (const [limit, placeholder] of Object.entries(LIMIT_PLACEHOLDERS) as Array<[Limit, LimitSetting]>) {
    const value = manifest.limits?.[limit] ?? (usesPlaceholder(manifest, placeholder) ? defaults[placeholder] : undefined);
    if (value !== undefined) limits[limit] = value;
  }
  return { operations, gracefulExit, limits, reloadKeepsCount: declared?.reloadKeepsCount ?? false, capabilities: manifest.capabilities ?? [] };
}

/** {extraBinds}, extraBind and the multi-bind capability come together or not at all. */
function checkExtraBinds(manifest: Manifest): void {
  if (manifest.command.some((part) => part.includes(EXTRA_BINDS) && part !== EXTRA_BINDS)) {
    throw new ManifestError(`invalid manifest: ${EXTRA_BINDS} must be a command element of its own (it becomes zero or more arguments)`);
  }
  const hasExtraBinds = manifest.command.includes(EXTRA_BINDS);
  if (hasExtraBinds && !manifest.extraBind) {
    throw new ManifestError(`invalid manifest: command uses ${EXTRA_BINDS} but no "extraBind" field says what one more address looks like`);
  }
  if (manifest.capabilities?.includes('multi-bind') && !(hasExtraBinds && manifest.extraBind)) {
    throw new ManifestError(
      `invalid manifest: capability "multi-bind" needs an "extraBind" template and a "${EXTRA_BINDS}" element in command, e.g. "extraBind": ["--bind", "{host}:{port}"]`,
    );
  }
}

/** Reads DIR/conform.json; every problem is a ManifestError with the path and the fix. */
export function loadTarget(dir: string): Target {
  const absolute = path.resolve(dir);
  const file = path.join(absolute, 'conform.json');
  if (!fs.existsSync(absolute)) throw new ManifestError(`target directory ${absolute} does not exist`);
  if (!fs.existsSync(file)) {
    throw new ManifestError(`no conform.json in ${absolute}: a target directory needs a manifest (see README, "The manifest"; \`npx conform init DIR --gateway wsgi\` starts one, or fetch, asgi)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ManifestError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return { dir: absolute, manifest: validateManifest(data) };
  } catch (error) {
    throw new ManifestError(`${file}: ${(error as Error).message}`);
  }
}

export function checkSpecVersion(target: Target, accept: boolean): void {
  if (target.manifest.specVersion !== SPEC_VERSION && !accept) {
    throw new ManifestError(
      `${target.dir}/conform.json was written for spec version ${target.manifest.specVersion}, this kit is ${SPEC_VERSION}; ` +
        'update "specVersion" after checking the changes, or pass --accept-spec-version',
    );
  }
}

/** The classes a run covers: the main ones by default, any declared label when named. */
export function runClasses(manifest: Manifest, wanted?: string[]): RunClass[] {
  const main: RunClass[] = (Object.entries(manifest.classes) as Array<[SpecClass, string | ClassSpec]>).map(([kind, spec]) => toRunClass(kind, kind, spec));
  const extra: RunClass[] = Object.entries(manifest.extraClasses ?? {}).map(([label, { kind, ...spec }]) => toRunClass(label, kind, spec));
  if (!wanted || wanted.length === 0) return main;
  const all = [...main, ...extra];
  return wanted.map((label) => {
    const found = all.find((c) => c.label === label);
    if (!found) {
      throw new ManifestError(`--class ${label}: the target declares ${all.map((c) => c.label).join(', ')}`);
    }
    return found;
  });
}

export interface Expansion {
  argv: string[];
  env: Record<string, string>;
  /** Fills this start's placeholders in another template (an operation's command). */
  fill: (template: string) => string;
}

/**
 * Fills the command and env templates for one server start; extraPorts fill {extraBinds};
 * stateDir is this start's private directory (the driver makes it and removes it).
 */
export function expand(target: Target, config: ServerConfig, runClass: RunClass, host: string, port: number, extraPorts: readonly number[] = [], stateDir = ''): Expansion {
  const values: Record<(typeof PLACEHOLDERS)[number], string> = {
    host,
    port: String(port),
    workers: String(config.workers),
    workerClass: runClass.workerClass,
    threads: String(config.threads),
    connections: String(config.connections),
    timeout: String(config.timeout),
    gracefulTimeout: String(config.gracefulTimeout),
    keepalive: String(config.keepalive),
    maxRequests: String(config.maxRequests),
    maxRequestsJitter: String(config.maxRequestsJitter),
    limitRequestLine: String(config.limitRequestLine),
    limitRequestFieldSize: String(config.limitRequestFieldSize),
    limitRequestFields: String(config.limitRequestFields),
    app: target.manifest.app ?? '',
    targetDir: target.dir,
    kitDir: KIT_DIR,
    stateDir,
  };
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, name: keyof typeof values) => values[name]);
  values.app = fill(values.app); // the app path may itself name {kitDir} or {targetDir}
  const env = Object.fromEntries(Object.entries(target.manifest.env ?? {}).map(([k, v]) => [k, fill(v)]));
  const extraBind = (extraPort: number) =>
    (target.manifest.extraBind ?? []).map((part) => fill(part.replaceAll('{port}', String(extraPort))));
  const argv = target.manifest.command.flatMap((part) =>
    part === EXTRA_BINDS ? extraPorts.flatMap(extraBind) : part === CLASS_ARGS ? (runClass.args ?? []).map(fill) : [fill(part)],
  );
  const classEnv = Object.fromEntries(Object.entries(runClass.env ?? {}).map(([k, v]) => [k, fill(v)]));
  return { argv, env: { ...env, ...classEnv, ...config.env }, fill };
}

/** A test of a child's command line that says it is not a worker (a helper, or not what a worker runs). */
export type HelperTest = (commandLine: string) => boolean;

/**
 * The manifest's `processes.helpers` and `processes.workers` as one test; undefined when it names
 * neither (no command line need be read).
 */
export function helperTest(manifest: Manifest): HelperTest | undefined {
  const helpers = (manifest.processes?.helpers ?? []).map((h) => new RegExp(h));
  const workers = manifest.processes?.workers === undefined ? undefined : new RegExp(manifest.processes.workers);
  if (helpers.length === 0 && !workers) return undefined;
  return (commandLine) => helpers.some((h) => h.test(commandLine)) || (workers !== undefined && !workers.test(commandLine));
}
