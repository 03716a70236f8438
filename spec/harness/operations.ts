// Operations on the master (graceful stop, reload, one more worker...) by the target's own
// signals: a case names what it wants done, the manifest says which signal does it.
import type { CaseContext } from './case.ts';
import { HarnessError, type Operation, type Server } from './types.ts';

/** Every signal the target lists for `operation` (a case that tests each one loops over them). */
export function signalsFor(t: CaseContext, operation: Operation): NodeJS.Signals[] {
  const signals = t.target.operations[operation];
  // The plan reports a case whose operation the target lacks as unsupported, so this is the kit's bug.
  if (!signals || signals.length === 0) throw new HarnessError(`${t.id} uses operation ${operation} without declaring it (spec case metadata: operations)`);
  return signals;
}

/** Asks the master for `operation` with the target's (first) signal for it; returns that signal. */
export async function perform(t: CaseContext, server: Server, operation: Operation): Promise<NodeJS.Signals> {
  const [signal] = signalsFor(t, operation);
  await server.signal(server.masterPid, signal);
  return signal;
}
