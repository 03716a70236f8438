// One gthread pool thread: loads the app, runs one job at a time, streams the answer back.
import { parentPort, workerData } from 'node:worker_threads';
import { installFetchGlobals } from '../gateway/fetch-globals.ts';
import { loadApp } from '../gateway/load.ts';
import { lazyRequest, NativeRequest } from '../gateway/lazy-request.ts';
import { simpleParts } from '../gateway/light-response.ts';
import { normalise } from '../http/respond.ts';
import type { Job, JobMessage } from './thread-pool.ts';

installFetchGlobals(); // before the app loads: it may capture Response
const handler = await loadApp(workerData.appSpec as string);
const post = (message: JobMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);
post({ type: 'ready' });

parentPort!.on('message', async (job: Job) => {
  let headSent = false;
  try {
    const request = lazyRequest(
      job.method,
      () => job.url,
      (url) => new NativeRequest(url, { method: job.method, headers: job.headers, body: job.body, duplex: 'half' } as RequestInit),
      () => job.headers,
    );
    const result = await handler(request, job.environ);
    const simple = simpleParts(result);
    if (simple) {
      // A string or byte body: the whole answer in one message.
      const { headers } = simple;
      if (simple.body !== null && !headers.some(([name]) => name === 'content-length')) headers.push(['content-length', String(Buffer.byteLength(simple.body))]);
      const bytes = simple.body === null ? null : typeof simple.body === 'string' ? new Uint8Array(Buffer.from(simple.body, 'utf8')) : new Uint8Array(simple.body);
      headSent = true;
      post({ type: 'whole', status: simple.status, statusText: simple.statusText || undefined, headers, bytes }, bytes ? [bytes.buffer as ArrayBuffer] : []);
      return;
    }
    const { status, statusText, headers, body } = normalise(result);
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
