// What the lifecycle cases share: the bounds a supervisor is held to, and the max_requests runs.
import { requireGiven, type CaseContext } from '../harness/case.ts';
import type { ServerConfig } from '../harness/types.ts';
import { answerOf, request } from '../harness/client.ts';
import { deadlineIn } from '../harness/eventually.ts';
import { WireError } from '../harness/wire.ts';

/**
 * How late after `timeout` a request may be cut: the supervisor that cuts it looks once a second
 * (gunicorn's arbiter sleeps up to 1 s between checks) and may compare whole-second stamps
 * (uWSGI's harakiri: cut at ~timeout + 1.3 s, seen past timeout + 1.5 s under load), so up to
 * two ticks of a 1 s clock.
 */
export const REQUEST_CUT_SLACK_S = 2;

/**
 * How soon a killed worker has a successor: one turn of a master loop that looks once a second
 * (uWSGI's: by hand, 0-0.9 s from SIGKILL to the new worker's fork, 24 kills), and the fork.
 * gunicorn's arbiter is woken by SIGCHLD and respawns in milliseconds.
 */
export const RESPAWN_WITHIN_S = 2;

/**
 * How late after `timeout` a silent worker may be killed: gunicorn's arbiter wakes at least once a
 * second and compares the heartbeat's age with timeout, and the kill (SIGABRT, then SIGKILL) and
 * its reaping take their own turn.
 */
export const HEARTBEAT_SLACK_S = 3;


/**
 * The runs whose whole count the case saw: not the last (still serving), and not the first, which
 * may have served requests the case did not send before it began (a server's own warm-up request:
 * Passenger Standalone's prespawn).
 */
export function judgedRuns(runs: Array<[number, number]>): Array<[number, number]> {
  return runs.slice(1, -1);
}

/** The server of the max_requests cases: one worker, so that every response counts toward it. */
export const RECYCLING: Partial<ServerConfig> = { workers: 1, maxRequests: 4, maxRequestsJitter: 2 };

/**
 * Sends close-delimited requests one at a time (so each response counts once), with the case's
 * `server`, until a fourth worker has answered (the first and the last run are not judged:
 * judgedRuns) or the bounds run out; returns [pid, responses] per consecutive run of one worker,
 * and the requests that got no answer (a reset or a close as a worker retired): those are the
 * rule of lifecycle.max-requests-no-lost, not of the cases that count responses.
 */
export async function recycleRuns(t: CaseContext): Promise<{ runs: Array<[number, number]>; lost: string[]; config: ServerConfig }> {
  const server = await t.start();
  requireGiven(server, { workers: 1 });
  const runs: Array<[number, number]> = [];
  const lost: string[] = [];
  const deadline = deadlineIn(20_000);
  // The deadline is the bound that matters: gevent notices max_requests only once a second and
  // serves all that comes meanwhile (over 2500 close-delimited requests a second here), so a count
  // of a few thousand can run out before the first worker leaves.
  for (let i = 0; i < 100_000 && runs.length < 4 && !deadline.passed(); i++) {
    const response = await request(server, { target: '/pid', headers: [['Connection', 'close']] }, { timeoutMs: 10_000 }).catch((error: unknown) => {
      if (!(error instanceof WireError)) throw error;
      lost.push(`request ${i + 1}: ${error.message}`);
      return undefined;
    });
    if (!response) continue;
    const { pid } = answerOf<{ pid: number }>(`request ${i + 1} (GET /pid)`, '/pid', response);
    if (runs.length && runs[runs.length - 1][0] === pid) runs[runs.length - 1][1]++;
    else runs.push([pid, 1]);
  }
  t.evidence('responsesPerWorker', runs);
  if (lost.length > 0) t.evidence('unanswered', lost);
  return { runs, lost, config: server.config };
}
