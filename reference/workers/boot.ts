// Worker processes start here. With --user/--group the worker first becomes that user and group
// (the kernel clears the parent-death signal on a change of credentials, so this comes before
// it). The parent-death signal is armed next, before the worker's modules and the app load, so
// a master killed meanwhile still takes this worker along; and the
// descriptors inherited from the master (heartbeat, listening sockets, control) become close-on-exec,
// so that a subprocess the app starts does not keep the port after the server stops.
import { WORKER_BOOT_ERROR, workerBoot, type WorkerBoot } from '../boot-contract.ts';
import { closeOnExec, dieWithParent } from '../libc.ts';
import { startFirstThread } from './first-thread.ts';

// What ps shows: the arbiter's workerTitle(), passed as an argument to make room (a process title
// cannot outgrow the argv it replaces). First, so no moment shows the boot script's path.
if (process.argv[2]) process.title = process.argv[2];

/**
 * gunicorn's set_owner_process: the group, no supplementary groups but the user's own, then the
 * user. A switch the process may not make (not root) is the worker's boot error: the master
 * stops rather than respawn it for ever.
 */
function becomeAccount({ user, group }: { user: number | null; group: number | null }): void {
  if ((user === null || user === process.getuid!()) && (group === null || group === process.getgid!())) return;
  const gid = group ?? process.getgid!();
  try {
    if (group !== null) process.setgid!(group);
    // The master's supplementary groups (root's) are not the worker's; one who may not change them has none to lose.
    try {
      process.setgroups!([gid]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    }
    if (user !== null) {
      try {
        // Not in every @types/node, in every Node on POSIX.
        (process as unknown as { initgroups(user: number, extra: number): void }).initgroups(user, gid);
      } catch {
        // a uid with no name in the user database has no groups of its own
      }
      process.setuid!(user);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`cannot run as ${user !== null ? `user ${user}` : ''}${user !== null && group !== null ? ', ' : ''}${group !== null ? `group ${group}` : ''}: ${code}`);
  }
}

let inherited: WorkerBoot;
try {
  inherited = workerBoot();
  becomeAccount(inherited.settings);
  dieWithParent();
  for (const fd of [inherited.heartbeatFd, ...inherited.listeners.map((l) => l.fd), inherited.controlFd]) closeOnExec(fd);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(WORKER_BOOT_ERROR);
}
// The master may have died before prctl took effect.
if (String(process.ppid) !== process.env.PREFORK_MASTER_PID) process.exit(0);
// gthread: the pool's first thread starts loading the app now, beside the worker's own modules.
if (inherited.workerClass === 'gthread') startFirstThread({ appSpec: inherited.app, first: true, recordSources: inherited.settings.reload });

await import('./main.ts');
