// Worker processes start here. The parent-death signal is armed first, before the worker's
// modules and the app load, so a master killed meanwhile still takes this worker along; and the
// descriptors inherited from the master (heartbeat, listening sockets, control) become close-on-exec,
// so that a subprocess the app starts does not keep the port after the server stops.
import { WORKER_BOOT_ERROR, workerBoot } from '../boot-contract.ts';
import { closeOnExec, dieWithParent } from '../libc.ts';

// What ps shows: the arbiter's workerTitle(), passed as an argument to make room (a process title
// cannot outgrow the argv it replaces). First, so no moment shows the boot script's path.
if (process.argv[2]) process.title = process.argv[2];

try {
  dieWithParent();
  const inherited = workerBoot();
  for (const fd of [inherited.heartbeatFd, ...inherited.listeners.map((l) => l.fd), inherited.controlFd]) closeOnExec(fd);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(WORKER_BOOT_ERROR);
}
// The master may have died before prctl took effect.
if (String(process.ppid) !== process.env.PREFORK_MASTER_PID) process.exit(0);

await import('./main.ts');
