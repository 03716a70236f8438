// Worker processes start here. The parent-death signal is armed first, before the worker's
// modules and the app load, so a master killed meanwhile still takes this worker along; and the
// descriptors inherited from the master (heartbeat file, listening sockets) become close-on-exec,
// so that a subprocess the app starts does not keep the port after the server stops.
import { closeOnExec, dieWithParent } from '../libc.ts';

try {
  dieWithParent();
  const inherited: { heartbeatFd: number; listeners: Array<{ fd: number }> } = JSON.parse(process.env.PREFORK_WORKER ?? 'null');
  for (const fd of [inherited.heartbeatFd, ...inherited.listeners.map((l) => l.fd)]) closeOnExec(fd);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(3); // WORKER_BOOT_ERROR
}
// The master may have died before prctl took effect.
if (String(process.ppid) !== process.env.PREFORK_MASTER_PID) process.exit(0);

await import('./main.ts');
