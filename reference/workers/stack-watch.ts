// Starts the stack helper thread (stack-helper.ts) of a worker. Unreferenced: it never keeps a
// worker alive that is done. On exit the helper closes its inspector session first: Node would
// otherwise print "Waiting for the debugger to disconnect..." for every worker that exits.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';

const HELPER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'stack-helper.js');
/** How long an exiting worker waits for its helper to let go of the main thread. */
const DISCONNECT_WAIT_MS = 200;

export function startStackHelper(controlFd: number): void {
  // [0] becomes 1 once the helper has disconnected (Atomics: the exiting thread cannot await).
  const disconnected = new Int32Array(new SharedArrayBuffer(4));
  const thread = new Thread(HELPER, { workerData: { controlFd, disconnected } });
  thread.on('error', (error) => process.stderr.write(`stack helper failed: ${error.message}\n`));
  thread.unref();
  process.once('exit', () => {
    thread.postMessage('disconnect');
    Atomics.wait(disconnected, 0, 0, DISCONNECT_WAIT_MS);
  });
}
