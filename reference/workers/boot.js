// Worker processes start here. The parent-death signal is armed first, before TypeScript support
// and the app load (a second or more), so a master killed meanwhile still takes this worker along.
import { dieWithParent } from '../libc.js';

try {
  dieWithParent();
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(3); // WORKER_BOOT_ERROR
}
// The master may have died before prctl took effect.
if (String(process.ppid) !== process.env.PREFORK_MASTER_PID) process.exit(0);

const { register } = await import('tsx/esm/api');
register();
await import('./main.ts');
