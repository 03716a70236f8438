// One table drives flags, config-file keys, defaults, validation and --help (gunicorn's config.py
// is the model): adding a setting touches this file only.
import { accessFormatter, DEFAULT_ACCESS_FORMAT } from './http/access-log.ts';
import fs from 'node:fs';
import { parseAddress } from './address.ts';
import { parseStatsdHost } from './metrics.ts';
import { groupId, userId } from './libc.ts';

export type WorkerClass = 'sync' | 'gthread' | 'async';

export interface Settings {
  bind: string[];
  workers: number;
  workerClass: WorkerClass;
  threads: number;
  workerConnections: number;
  timeout: number;
  gracefulTimeout: number;
  keepalive: number;
  maxRequests: number;
  maxRequestsJitter: number;
  backlog: number;
  umask: number;
  user: number | null;
  group: number | null;
  limitRequestLine: number;
  limitRequestFields: number;
  limitRequestFieldSize: number;
  forwardedAllowIps: string[];
  preload: boolean;
  reload: boolean;
  reloadExtraFiles: string[];
  config: string | null;
  pidfile: string | null;
  logLevel: 'debug' | 'info' | 'warning' | 'error' | 'critical';
  accessLogfile: string | null;
  accessLogFormat: string;
  captureOutput: boolean;
  errorLogfile: string;
  procName: string | null;
  checkConfig: boolean;
  statsdHost: string | null;
  statsdPrefix: string;
  dogstatsdTags: string;
  certfile: string | null;
  keyfile: string | null;
}

export class SettingError extends Error {
  override name = 'SettingError';
}

interface Setting<K extends keyof Settings> {
  key: K;
  flags: string; // commander syntax: "-w, --workers <int>"
  doc: string;
  default: () => Settings[K];
  /** Turns one raw value (flag text or config-file value) into the setting, or throws SettingError. */
  parse: (raw: unknown, previous: Settings[K]) => Settings[K];
  /** The default as --help says it, where default() is not the whole story. */
  shownDefault?: string;
  /** More long flags for the same setting (gunicorn's --log-file for --error-logfile); --help names them. */
  aliases?: string[];
  /** Given more than once (a flag repeated, a config file's array), each value is parsed in turn. */
  repeatable?: true;
}

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) => (raw: unknown): number => {
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isInteger(n) || n < min || n > max) throw new SettingError(`expected a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
};
const seconds = (raw: unknown): number => {
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isFinite(n) || n < 0) throw new SettingError(`expected a number of seconds >= 0, got ${JSON.stringify(raw)}`);
  return n;
};
const oneOf = <T extends string>(...values: T[]) => (raw: unknown): T => {
  if (!values.includes(raw as T)) throw new SettingError(`expected one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw as T;
};
const text = (raw: unknown): string => {
  if (typeof raw !== 'string' || raw === '') throw new SettingError(`expected a non-empty string, got ${JSON.stringify(raw)}`);
  return raw;
};
const readable = (raw: unknown): string => {
  const file = text(raw);
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    throw new SettingError(`${file} does not exist or cannot be read`);
  }
  return file;
};
/** A user or group as gunicorn takes it: a number as is, else a name the system knows. */
const account = (kind: 'user' | 'group', lookup: (name: string) => number | undefined) => (raw: unknown): number => {
  const value = text(raw).trim();
  if (/^\d+$/.test(value)) return Number(value);
  const id = lookup(value);
  if (id === undefined) throw new SettingError(`no such ${kind}: '${value}'`);
  return id;
};
/** gunicorn's auto_int for umask: decimal, 0o or 0x, and a leading 0 meaning octal (0022). */
const fileModeMask = (raw: unknown): number => {
  const text = String(raw).trim();
  const n = typeof raw === 'number' ? raw : /^0[0-7]+$/.test(text) ? parseInt(text, 8) : /^(0[ox][0-9a-f]+|\d+)$/i.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0o777) throw new SettingError(`expected a file mode mask from 0 to 0o777 (decimal, 0o17, 017 or 0x1f), got ${JSON.stringify(raw)}`);
  return n;
};
/** A flag without a value (true), or a config-file boolean. */
const flag = (raw: unknown): boolean => raw === true || raw === 'true';
const list = (raw: unknown): string[] => (Array.isArray(raw) ? raw.map(text) : text(raw).split(',').map((s) => s.trim()).filter(Boolean));

function define<K extends keyof Settings>(setting: Setting<K>): Setting<K> {
  return setting;
}

/** A value from the environment, refused by the variable's name. */
function fromEnvironment<T>(name: string, parse: (raw: unknown) => T): T {
  try {
    return parse(process.env[name]);
  } catch (error) {
    throw new SettingError(`environment variable ${name}: ${(error as Error).message}`);
  }
}

const WORKERS = integer(1, 1024);

export const SETTINGS = [
  define({
    key: 'bind', flags: '-b, --bind <address>', default: () => ['127.0.0.1:8000'], repeatable: true,
    doc: 'HOST:PORT, [IPv6]:PORT, HOST (port 8000), unix:PATH or fd://N to bind (repeatable); systemd\'s LISTEN_FDS replace it',
    // Repeated flags accumulate, but the first one replaces the default.
    parse: (raw, previous) => {
      const value = text(raw);
      try {
        parseAddress(value);
      } catch (error) {
        throw new SettingError((error as Error).message);
      }
      return previous === DEFAULT_BIND ? [value] : [...previous, value];
    },
  }),
  define({
    key: 'workers', flags: '-w, --workers <int>', doc: 'number of worker processes', shownDefault: '$WEB_CONCURRENCY, else 1',
    default: () => (process.env.WEB_CONCURRENCY === undefined ? 1 : fromEnvironment('WEB_CONCURRENCY', WORKERS)), parse: WORKERS,
  }),
  define({
    key: 'workerClass', flags: '-k, --worker-class <class>', doc: 'sync | gthread | async (sync with --threads > 1 runs gthread)',
    default: () => 'sync', parse: oneOf('sync', 'gthread', 'async'),
  }),
  define({ key: 'threads', flags: '--threads <int>', doc: 'threads per gthread worker (one loads the app before it serves, each other when a request finds all busy)', default: () => 1, parse: integer(1, 1024) }),
  define({
    key: 'workerConnections', flags: '--worker-connections <int>', doc: 'simultaneous connections per gthread/async worker',
    default: () => 1000, parse: integer(1, 1_000_000),
  }),
  define({ key: 'timeout', flags: '-t, --timeout <seconds>', doc: 'silent workers are killed and restarted after this (0: never)', default: () => 30, parse: seconds }),
  define({ key: 'gracefulTimeout', flags: '--graceful-timeout <seconds>', doc: 'time workers get to finish on TERM/HUP', default: () => 30, parse: seconds }),
  define({ key: 'keepalive', flags: '--keep-alive <seconds>', doc: 'idle keep-alive connections are closed after this', default: () => 2, parse: seconds }),
  define({ key: 'maxRequests', flags: '--max-requests <int>', doc: 'a worker restarts after this many requests (0: never)', default: () => 0, parse: integer(0) }),
  define({ key: 'maxRequestsJitter', flags: '--max-requests-jitter <int>', doc: 'random 0..N added to max-requests per worker', default: () => 0, parse: integer(0) }),
  define({
    key: 'umask', flags: '-m, --umask <mask>', doc: 'file mode mask for the unix sockets it creates (0777 minus the mask; 0o117 or 0117: 0660)',
    default: () => 0, parse: fileModeMask,
  }),
  define({
    key: 'user', flags: '-u, --user <user>', doc: 'run the workers as this user (a name or a uid; the master stays who started it)',
    default: () => null, shownDefault: 'the master\'s', parse: account('user', userId),
  }),
  define({
    key: 'group', flags: '-g, --group <group>', doc: 'run the workers as this group (a name or a gid)',
    default: () => null, shownDefault: 'the master\'s', parse: account('group', groupId),
  }),
  define({ key: 'backlog', flags: '--backlog <int>', doc: 'listen queue length', default: () => 2048, parse: integer(1, 65535) }),
  define({ key: 'limitRequestLine', flags: '--limit-request-line <int>', doc: 'longest request line in bytes (0: unlimited)', default: () => 4094, parse: integer(0, 8190) }),
  define({ key: 'limitRequestFields', flags: '--limit-request-fields <int>', doc: 'most header fields per request', default: () => 100, parse: integer(0, 32768) }),
  define({
    key: 'limitRequestFieldSize', flags: '--limit-request-field-size <int>', aliases: ['--limit-request-field_size'],
    doc: 'longest header line in bytes (0: unlimited)', default: () => 8190, parse: integer(0, 65536),
  }),
  define({
    key: 'forwardedAllowIps', flags: '--forwarded-allow-ips <ips>', doc: 'comma-separated peers whose X-Forwarded-* headers are trusted ("*": all)',
    default: () => ['127.0.0.1', '::1'], parse: list,
  }),
  define({ key: 'preload', flags: '--preload', doc: 'load (and so validate) the app in the master before binding; workers load their own copy', default: () => false, parse: flag }),
  define({
    key: 'reload', flags: '--reload', doc: 'replace the workers (as HUP) when a file of the app\'s module graph changes, outside node_modules (development)',
    default: () => false, parse: flag,
  }),
  define({
    key: 'reloadExtraFiles', flags: '--reload-extra-file <file>', doc: 'with --reload, also reload when this file changes (a template, a configuration; repeatable)',
    default: (): string[] => [], repeatable: true,
    parse: (raw, previous) => [...(previous as string[]), readable(raw)],
  }),
  define({ key: 'config', flags: '-c, --config <file>', doc: 'a .json, .js or .ts file exporting settings', default: () => null, parse: text }),
  define({ key: 'pidfile', flags: '-p, --pid <file>', doc: 'write the master pid here', default: () => null, parse: text }),
  define({
    key: 'logLevel', flags: '--log-level <level>', doc: 'debug | info | warning | error | critical',
    default: () => 'info', parse: oneOf('debug', 'info', 'warning', 'error', 'critical'),
  }),
  define({ key: 'accessLogfile', flags: '--access-logfile <file>', doc: 'access log ("-": stdout)', default: () => null, parse: text }),
  define({
    key: 'accessLogFormat', flags: '--access-logformat <format>',
    doc: 'the access log line: gunicorn\'s atoms as %(name)s (h l u t r s m U q H b B f a T D M L p, {header}i, {header}o, {key}e), %% for %',
    default: () => DEFAULT_ACCESS_FORMAT,
    parse: (raw) => {
      const format = String(raw);
      try {
        accessFormatter(format);
      } catch (error) {
        throw new SettingError((error as Error).message);
      }
      return format;
    },
  }),
  define({
    key: 'errorLogfile', flags: '--error-logfile <file>', aliases: ['--log-file'], doc: 'the server\'s log ("-": stderr); reopened on USR1',
    default: () => '-', parse: text,
  }),
  define({ key: 'captureOutput', flags: '--capture-output', doc: 'send the app\'s own stdout and stderr to --error-logfile too', default: () => false, parse: flag }),
  define({ key: 'procName', flags: '-n, --name <name>', doc: 'the name in the process titles ("prefork: worker [NAME]")', default: () => null, shownDefault: 'the app', parse: text }),
  define({
    key: 'statsdHost', flags: '--statsd-host <host:port>', doc: 'send StatsD metrics here, under gunicorn\'s names (gunicorn.requests, gunicorn.request.duration, gunicorn.workers, ...)',
    default: () => null,
    parse: (raw) => {
      const value = text(raw);
      if (!parseStatsdHost(value)) throw new SettingError(`expected HOST:PORT (e.g. localhost:8125), got ${JSON.stringify(raw)}`);
      return value;
    },
  }),
  define({ key: 'statsdPrefix', flags: '--statsd-prefix <prefix>', doc: 'put before every metric name, with a dot', default: () => '', parse: (raw) => String(raw) }),
  define({
    key: 'dogstatsdTags', flags: '--dogstatsd-tags <tags>', doc: 'DogStatsD tags put after every metric ("env:prod,team:web")',
    default: () => '',
    parse: (raw) => {
      const tags = String(raw);
      // A datagram carries one metric: a line break or '|' in a tag would forge another field.
      if (/[\s|#]/.test(tags)) throw new SettingError(`expected comma-separated tags without spaces, '|' or '#', got ${JSON.stringify(raw)}`);
      return tags;
    },
  }),
  define({ key: 'checkConfig', flags: '--check-config', doc: 'load the app once and exit: 0 if it loads, 1 if not', default: () => false, parse: flag }),
  define({ key: 'certfile', flags: '--certfile <file>', doc: 'TLS certificate (PEM); with --keyfile, every bind serves HTTPS', default: () => null, parse: readable }),
  define({ key: 'keyfile', flags: '--keyfile <file>', doc: 'TLS private key (PEM)', default: () => null, parse: readable }),
] as const;

const DEFAULT_BIND: string[] = ['127.0.0.1:8000'];

export function defaults(): Settings {
  const settings = {} as Record<string, unknown>;
  for (const s of SETTINGS) settings[s.key] = s.key === 'bind' ? DEFAULT_BIND : s.default();
  return settings as unknown as Settings;
}

/** The setting as --help shows its default. */
export function shownDefault(setting: (typeof SETTINGS)[number]): string {
  if ('shownDefault' in setting && setting.shownDefault) return setting.shownDefault;
  const value: unknown = setting.default();
  return Array.isArray(value) ? value.join(', ') || 'none' : value === null ? 'none' : value === false ? 'off' : String(value);
}

/** Where a value came from: a flag, or a key of a config file. Errors name it the user's way. */
export type Origin = 'option' | { configFile: string };

/** Applies one raw value to a setting by key, naming the setting as the user gave it in any error. */
export function apply(settings: Settings, key: string, raw: unknown, origin: Origin): void {
  const where = origin === 'option' ? '' : `config file ${origin.configFile}`;
  // The config file is named on the command line only: a config file naming another is not followed.
  const setting = origin === 'option' || key !== 'config' ? SETTINGS.find((s) => s.key === key) : undefined;
  if (!setting) {
    if (key === 'config') throw new SettingError(`${where}: key "config" names a config file, which is given only on the command line (-c)`);
    const known = SETTINGS.map((s) => s.key).filter((k) => k !== 'config');
    throw new SettingError(`${where}: unknown setting "${key}"; known: ${known.join(', ')}`);
  }
  try {
    (settings as unknown as Record<string, unknown>)[key] = (setting.parse as (r: unknown, p: unknown) => unknown)(raw, settings[setting.key]);
  } catch (error) {
    const named = origin === 'option' ? `option ${setting.flags.split(' ').find((f) => f.startsWith('--'))}` : `${where}, key "${key}"`;
    throw new SettingError(`${named}: ${(error as Error).message}`);
  }
}

/** gunicorn's rule: sync with threads > 1 is gthread. */
export function effectiveWorkerClass(settings: Settings): WorkerClass {
  return settings.workerClass === 'sync' && settings.threads > 1 ? 'gthread' : settings.workerClass;
}
