// One gthread pool thread: loads the app, runs one job at a time, streams the answer back.
import { parentPort, workerData } from 'node:worker_threads';
import { flushCompileCache } from '../compile-cache.ts';
import { installFetchGlobals } from '../gateway/fetch-globals.ts';
import { loadApp } from '../gateway/load.ts';
import { lazyRequest, NativeRequest } from '../gateway/lazy-request.ts';
import { simpleParts } from '../gateway/light-response.ts';
import { normalise } from '../http/respond.ts';
import { checkAnswer, NotAnAnswer } from '../gateway/types.ts';
import { RESPONSE_WINDOW, type BodyMessage, type FlowMessage, type Job, type JobMessage } from './thread-pool.ts';

installFetchGlobals(); // before the app loads: it may capture Response
// The pool's first thread tells which loader runs the app; the worker's main thread logs it.
let loader: string | undefined;
const post = (message: JobMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);
// --reload: every thread records, as a module may first be imported at a request in any of them.
const look = workerData.recordSources ? (await import('../gateway/app-sources.ts')).recordSources((files) => post({ type: 'sources', files })) : undefined;
const handler = await loadApp(workerData.appSpec as string, workerData.first ? (line) => (loader = line) : undefined);
look?.();
post({ type: 'ready', loader });
flushCompileCache(); // the app's modules as this thread compiled them, for the next thread or worker

/** The current job's body stream waiting for a piece: one job at a time per thread. */
let waiting: { job: number; deliver: (message: BodyMessage) => void } | undefined;

/** A streamed request body: each read asks the main thread for the next piece of this job's body. */
function pulledBody(job: number): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    pull: (controller) =>
      new Promise<void>((resolve) => {
        waiting = {
          job,
          deliver: (message) => {
            waiting = undefined;
            if (message.type === 'body') controller.enqueue(message.bytes);
            else if (message.type === 'body-end') controller.close();
            else controller.error(new Error(message.message));
            resolve();
          },
        };
        post({ type: 'pull', job });
      }),
    cancel: () => post({ type: 'cancel', job }),
  });
}

/** The current job's streamed answer: chunks it may still send before the connection takes one. */
let flow: { job: number; credit: number; stopped: boolean; wake?: () => void } | undefined;

/** Until the connection took enough of the answer for one more chunk; false once it never will. */
async function mayPost(): Promise<boolean> {
  while (flow && flow.credit === 0 && !flow.stopped) await new Promise<void>((resolve) => (flow!.wake = resolve));
  if (!flow || flow.stopped) return false;
  flow.credit--;
  return true;
}

parentPort!.on('message', async (message: Job | BodyMessage | FlowMessage) => {
  if ('type' in message) {
    const control: BodyMessage | FlowMessage = message;
    if (control.type === 'taken' || control.type === 'stop') {
      if (flow?.job !== control.job) return;
      if (control.type === 'taken') flow.credit++;
      else flow.stopped = true;
      flow.wake?.();
    } else if (waiting?.job === control.job) waiting.deliver(control);
    return;
  }
  const job = message;
  // A body stream of the previous job still waiting for a piece never gets one: end it.
  waiting?.deliver({ job: waiting.job, type: 'body-error', message: 'the request was answered' });
  let headSent = false;
  try {
    const request = lazyRequest(
      job.method,
      () => job.url,
      (url) => new NativeRequest(url, { method: job.method, headers: job.headers, body: job.streamed ? pulledBody(job.id) : job.body, duplex: 'half' } as RequestInit),
      () => job.headers,
    );
    const result = await handler(request, job.environ);
    checkAnswer(result);
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
    flow = { job: job.id, credit: RESPONSE_WINDOW, stopped: false };
    for await (const piece of body) {
      if (!(await mayPost())) break; // the client went away: the app's body is ended (return())
      const bytes = typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece;
      const copy = new Uint8Array(bytes); // transferable, detached from any pool
      post({ type: 'chunk', bytes: copy }, [copy.buffer]);
    }
    post({ type: 'end' });
  } catch (error) {
    if (error instanceof NotAnAnswer) post({ type: 'error', message: error.message, afterHead: false, notAnAnswer: true });
    else post({ type: 'error', message: (error as Error).stack ?? String(error), afterHead: headSent });
  }
});
