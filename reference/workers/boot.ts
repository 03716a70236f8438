// Worker processes start here. The parent-death signal is armed first, before the worker's
// modules and the app load, so a master killed meanwhile still takes this worker along.
import { dieWithParent } from '../libc.ts';

try {
  dieWithParent();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(3); // WORKER_BOOT_ERROR
}
// The master may have died before prctl took effect.
if (String(process.ppid) !== process.env.PREFORK_MASTER_PID) process.exit(0);

await import('./main.ts');
