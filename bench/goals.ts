// The reference's cost goals (issue 27), said once: what `npm run bench` measures side by side in
// one run and marks met or missed. Each goal reads figures of the same run; a goal whose figures
// the run did not take (BENCH_GROUPS left them out) is not listed.

/** A contender's figures from the throughput groups: medians of the alternated rounds. */
export interface Throughput {
  rps: number;
  cpuUs: number;
}

/** Everything the goals read, by the name the bench gives each figure. */
export interface Measured {
  /** Per group ("sync", "raw", ...): [the reference, the other contender]. */
  throughput: Map<string, [Throughput, Throughput]>;
  /** RSS of one idle worker (MB) after its first answer, by contender name. */
  idleRssMb: Map<string, number>;
  /** RSS of one worker (MB) right after the group's load, by contender name. */
  loadedRssMb: Map<string, number>;
  /** CPU of a postMessage round trip to a worker_thread: what gthread adds per request. */
  threadHopCpuUs?: number;
  /** Quiet boot (ms, spawn to the first answer), by contender name. */
  bootMs: Map<string, number>;
}

export interface GoalRow {
  goal: string;
  value: string;
  met: boolean;
}

/** gthread runs this many threads in the bench (its RSS allowance is per thread). */
export const GTHREAD_THREADS = 4;
/** A worker may weigh this much more than a bare Node http server's process (gthread: per thread). */
const RSS_ALLOWANCE_MB = 10;

/** Names of the contenders the goals compare (the bench builds its contenders with these). */
export const NAMES = {
  reference: (cls: string, label?: string) => `reference ${cls}${label ? ` (${label})` : ''}`,
  gunicorn: (workerClass: string) => `gunicorn ${workerClass}`,
  cluster: 'node cluster',
  bareClose: 'bare node close (1 process)',
  httpClose: 'node http close (1 process)',
  compiledProbe: 'probe.js',
  typescriptProbe: 'probe.ts',
};

interface Goal {
  goal: string;
  /** The value and whether it meets the goal, or undefined when the run lacks a figure. */
  judge(m: Measured): [value: string, met: boolean] | undefined;
}

const ratio = (r: number, ok: boolean): [string, boolean] => [`${r.toFixed(2)}x`, ok];
const over = (mb: number, allowance: number): [string, boolean] => [`${mb >= 0 ? '+' : ''}${mb.toFixed(1)} MB (allowed +${allowance})`, mb <= allowance];

/** Boot of a reference contender against gunicorn's matching class (quiet machine). */
function bootGoal(cls: string, probe: string, theirs: string, most: number): Goal {
  return {
    goal: `boot, ${cls} with ${probe} / gunicorn ${theirs} <= ${most}x`,
    judge: (m) => {
      const ours = m.bootMs.get(NAMES.reference(cls, probe));
      const base = m.bootMs.get(NAMES.gunicorn(theirs));
      return ours === undefined || base === undefined ? undefined : ratio(ours / base, ours / base <= most);
    },
  };
}

/**
 * RSS of a reference worker against a Node cluster worker (a bare Node http server), both idle or
 * both right after the same load. `holding` says what the worker holds then, where it varies.
 */
function rssGoal(state: 'idle' | 'loaded', cls: string, allowance: number, holding = ''): Goal {
  return {
    goal: `${state} worker RSS, ${cls}${holding ? ` (${holding})` : ''} - a ${state === 'idle' ? 'bare Node http server' : 'Node http server under the same load'} (cluster worker) <= +${allowance} MB`,
    judge: (m) => {
      const figures = state === 'idle' ? m.idleRssMb : m.loadedRssMb;
      const ours = figures.get(NAMES.reference(cls));
      const base = figures.get(NAMES.cluster);
      return ours === undefined || base === undefined ? undefined : over(ours - base, allowance);
    },
  };
}

export const GOALS: Goal[] = [
  bootGoal('sync', NAMES.compiledProbe, 'sync', 1.2),
  bootGoal('async', NAMES.compiledProbe, 'gevent', 1.2),
  bootGoal('sync', NAMES.typescriptProbe, 'sync', 1.3),
  bootGoal('async', NAMES.typescriptProbe, 'gevent', 1.3),
  bootGoal('gthread', NAMES.compiledProbe, 'gthread', 1.5),
  {
    goal: 'async req/s / Node cluster >= 1.0x',
    judge: (m) => {
      const pair = m.throughput.get('raw');
      return pair && ratio(pair[0].rps / pair[1].rps, pair[0].rps >= pair[1].rps);
    },
  },
  {
    goal: 'async CPU per request / Node cluster <= 1.0x',
    judge: (m) => {
      const pair = m.throughput.get('raw');
      return pair && ratio(pair[0].cpuUs / pair[1].cpuUs, pair[0].cpuUs <= pair[1].cpuUs);
    },
  },
  {
    goal: 'sync CPU per request / a bare Node server closing each connection <= 1.5x',
    judge: (m) => {
      const pair = m.throughput.get('floor');
      return pair && ratio(pair[0].cpuUs / pair[1].cpuUs, pair[0].cpuUs / pair[1].cpuUs <= 1.5);
    },
  },
  {
    goal: 'gthread CPU per request / (Node cluster + one thread hop) <= 1.0x',
    judge: (m) => {
      const pair = m.throughput.get('raw-gthread');
      if (!pair || m.threadHopCpuUs === undefined) return undefined;
      const r = pair[0].cpuUs / (pair[1].cpuUs + m.threadHopCpuUs);
      return ratio(r, r <= 1.0);
    },
  },
  rssGoal('idle', 'sync', RSS_ALLOWANCE_MB),
  rssGoal('idle', 'async', RSS_ALLOWANCE_MB),
  // gthread starts its threads as requests need them: idle, a worker holds one; the bench's
  // load (more connections than threads) starts them all.
  rssGoal('idle', 'gthread', RSS_ALLOWANCE_MB * GTHREAD_THREADS, 'one pool thread started'),
  rssGoal('loaded', 'gthread', RSS_ALLOWANCE_MB * GTHREAD_THREADS, `all ${GTHREAD_THREADS} pool threads started`),
];

/** The goals this run has figures for, each met or missed. */
export function judgeGoals(measured: Measured, goals: Goal[] = GOALS): GoalRow[] {
  return goals.flatMap((g) => {
    const judged = g.judge(measured);
    return judged ? [{ goal: g.goal, value: judged[0], met: judged[1] }] : [];
  });
}

export function goalTable(rows: GoalRow[]): string[] {
  if (!rows.length) return [];
  return ['| goal | measured | |', '| --- | ---: | --- |', ...rows.map((r) => `| ${r.goal} | ${r.value} | ${r.met ? 'met' : 'missed'} |`)];
}
