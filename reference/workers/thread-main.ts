// One gthread pool thread: loads the app, runs one job at a time, streams the answer back.
import { parentPort, workerData } from 'node:worker_threads';
import { loadApp } from '../gateway/load.ts';
import { normalise } from '../http/respond.ts';
import type { Job, JobMessage } from './thread-pool.ts';

const handler = await loadApp(workerData.appSpec as string);
const post = (message: JobMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);
post({ type: 'ready' });

parentPort!.on('message', async (job: Job) => {
  let headSent = false;
  try {
    const request = new Request(job.url, { method: job.method, headers: job.headers, body: job.body, duplex: 'half' } as RequestInit);
    const { status, statusText, headers, body } = normalise(await handler(request, job.environ));
    post({ type: 'head', status, statusText, headers, hasBody: body !== null });
    headSent = true;
    if (!body) return;
    for await (const piece of body) {
      const bytes = typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece;
      const copy = new Uint8Array(bytes); // transferable, detached from any pool
      post({ type: 'chunk', bytes: copy }, [copy.buffer]);
    }
    post({ type: 'end' });
  } catch (error) {
    post({ type: 'error', message: (error as Error).stack ?? String(error), afterHead: headSent });
  }
});
