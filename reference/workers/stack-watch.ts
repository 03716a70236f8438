// Starts the stack helper thread (stack-helper.ts) of a worker. Unreferenced: it never keeps a
// worker alive that is done.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';

const HELPER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'stack-helper.js');

export function startStackHelper(controlFd: number): void {
  const thread = new Thread(HELPER, { workerData: { controlFd } });
  thread.on('error', (error) => process.stderr.write(`stack helper failed: ${error.message}\n`));
  thread.unref();
}
