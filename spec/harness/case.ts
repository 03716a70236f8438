// How a spec case is written: metadata up front (test262 style), then a check that uses only the
// harness. `defineGroup` keeps the files declarative so `conform --list` can read them without
// running anything.
import { UnmetPremise } from './fault.ts';
import type { Ref } from './refs.ts';
import type { Capability, JudgedSetting, Layer, Level, Limit, Operation, Server, ServerConfig, SpecClass, StartOptions, TargetTraits } from './types.ts';

export interface CaseContext {
  /** The id of the case being run. */
  readonly id: string;
  /** The spec class under test (spec/README.md, "Classes": specClass, label, the server's name). */
  readonly specClass: SpecClass;
  /** The class label reports use (e.g. "async" or "eventlet"). */
  readonly label: string;
  /** The seed for anything random in this case (printed, replayable with --seed). */
  readonly seed: number;
  /**
   * Starts a server owned by this case with the case's declared `server` settings and `overrides`
   * on top (after the target's settings bounds); it is stopped when the case ends, whatever happens.
   */
  start(overrides?: Partial<ServerConfig>, options?: StartOptions): Promise<Server>;
  /**
   * A server shared by the read-only cases of a group (same config -> same server). Never fault
   * or signal it.
   */
  shared(overrides?: Partial<ServerConfig>): Promise<Server>;
  /** What the target declared: the signals of its operations, its graceful exit, its limits. */
  readonly target: TargetTraits;
  /** Attach an observation to the case's evidence (shown on failure, kept in the JSON report). */
  evidence(key: string, value: unknown): void;
}

export interface SpecCase {
  /** Stable semantic id: group.name[.detail]. Never renumbered, never reused. */
  id: string;
  level: Level;
  /**
   * The requirement in one sentence. Where it names a bound that follows from a setting ("within
   * timeout + 3 s"), a function of the configuration the case's server got, so that the number is
   * said once: `explain` reads it with the kit's defaults and the case's `server`, a result with
   * the values the server was given (a target's settings bounds may move them).
   */
  requirement: string | ((config: ServerConfig) => string);
  /** The settings the case's server asks for: `t.start()` starts with them; the requirement is read with them. */
  server?: Partial<ServerConfig>;
  /**
   * Where the requirement comes from (refs.ts): a specification's section, a server's documentation,
   * gunicorn's code. Every MUST cites a specification or a server's documentation (test/refs.test.ts).
   */
  refs: Ref[];
  /** Spec classes it applies to (default: all). */
  classes?: SpecClass[];
  /**
   * The layer: absent for the model (any pre-fork server), else the profile the target must claim
   * (`gunicorn` in the manifest's `profiles`, a gateway profile as its `gateway`).
   */
  profile?: Exclude<Layer, 'model'>;
  /** Capabilities the target must declare for the case to run. */
  needs?: Capability[];
  /** Operations the case asks the master for (the target's signals for them: `t.target.operations`). */
  operations?: Operation[];
  /** Limits the case tests (the target's values: `t.target.limits`). */
  limits?: Limit[];
  /** Settings whose effect the case judges: unsupported on a target whose manifest never sets them. */
  settings?: JudgedSetting[];
  /** Upper bound of the case's running time in ms (before scaling); default 30 s. */
  budgetMs?: number;
  /**
   * How much of the run's concurrency (--jobs slots) the case holds: 1 by default, as most cases
   * wait on their own servers; more for a case whose load or timing window other cases beside
   * it would disturb; 'all' runs it alone.
   */
  slots?: number | 'all';
  run(t: CaseContext): Promise<void>;
}

export interface SpecGroup {
  name: string;
  /** What the group covers, a few sentences for the reader. */
  summary: string;
  cases: SpecCase[];
}

/** What `t.start(overrides)` asks for: the case's declared `server`, the overrides on top. */
export function askedConfig(spec: Pick<SpecCase, 'server'>, overrides: Partial<ServerConfig> = {}): Partial<ServerConfig> {
  return { ...spec.server, ...overrides };
}

/** The requirement sentence for a configuration: by default the kit's, with the case's `server`. */
export function requirementText(spec: Pick<SpecCase, 'requirement' | 'server' | 'classes'>, config?: ServerConfig): string {
  if (typeof spec.requirement === 'string') return spec.requirement;
  return spec.requirement(config ?? { ...defaultConfig(spec.classes?.[0] ?? 'sync'), ...spec.server });
}

export function defineGroup(group: SpecGroup): SpecGroup {
  for (const c of group.cases) {
    if (!c.id.startsWith(`${group.name}.`)) throw new Error(`case ${c.id} does not belong to group ${group.name}`);
  }
  return group;
}

/** The configuration a case gets unless it asks otherwise: small timeouts keep the suite fast. */
export function defaultConfig(cls: SpecClass): ServerConfig {
  return {
    specClass: cls,
    workers: 2,
    threads: cls === 'gthread' ? 2 : 1,
    connections: 1000,
    timeout: 30,
    gracefulTimeout: 5,
    keepalive: 2,
    maxRequests: 0,
    maxRequestsJitter: 0,
    // gunicorn's defaults: what a target whose command sets its limits is run with.
    limitRequestLine: 4094,
    limitRequestFieldSize: 8190,
    limitRequestFields: 100,
    extraBinds: 0,
    env: {},
  };
}

/**
 * Settings a case cannot judge its rule without (one worker, one thread): the server got them, or
 * the case is `unsupported` (UnmetPremise), because the target's settings bounds moved them. A
 * setting that only scales a window (a timeout) is read from server.config instead.
 */
export function requireGiven(server: Pick<Server, 'config'>, wanted: Partial<Pick<ServerConfig, 'workers' | 'threads' | 'connections'>>): void {
  const moved = (Object.entries(wanted) as Array<[keyof typeof wanted, number]>).filter(([name, value]) => server.config[name] !== value);
  if (moved.length === 0) return;
  const words = moved.map(([name, value]) => `${name} ${value} (the target's settings bounds gave ${server.config[name]})`);
  throw new UnmetPremise(`the case needs ${words.join(', ')}: it cannot judge this target within its bounds`);
}
