// Operations on the master (graceful stop, reload, one more worker...) the target's own way: a
// case names what it wants done, the manifest says how (a signal to the master, a signal to the
// process the kit started, or a command such as `pm2 reload all`).
import type { CaseContext } from './case.ts';
import { HarnessError as KitError, type Operation, type OperationStep, type Server } from './types.ts';

/** Every way the target lists for `operation` (a case that tests each one loops over them). */
export function stepsFor(t: CaseContext, operation: Operation): OperationStep[] {
  const steps = t.target.operations[operation];
  // The plan reports a case whose operation the target lacks as unsupported, so this is the kit's bug.
  if (!steps || steps.length === 0) throw new KitError(`${t.id} uses operation ${operation} without declaring it (spec case metadata: operations)`);
  return steps;
}

/** A step in words, for messages: "SIGTERM", "SIGTERM to the started process", "`pm2 reload all`". */
export function stepWords(step: OperationStep): string {
  if ('command' in step) return `\`${step.command.join(' ')}\``;
  return step.to === 'started' ? `${step.signal} to the started process` : step.signal;
}

/** Takes one step; a command that fails is the kit's error (the manifest named it), with its output. */
export async function performStep(server: Server, step: OperationStep): Promise<string> {
  if ('command' in step) {
    const { code, output } = await server.command(step.command);
    if (code !== 0) throw new KitError(`the operation command ${stepWords(step)} exited with ${code}: ${output.slice(-1000)}`);
  } else {
    await server.signal(step.to === 'started' ? server.startedPid : server.masterPid, step.signal);
  }
  return stepWords(step);
}

/** Asks the server for `operation` the target's (first) way; returns that way in words. */
export function perform(t: CaseContext, server: Server, operation: Operation): Promise<string> {
  return performStep(server, stepsFor(t, operation)[0]);
}
