// A helper thread in every worker, there for one question of the master: "where is your main
// thread?", asked when the worker missed its heartbeat and is about to be killed. The main thread
// is then stuck (a CPU-bound loop, a long synchronous call) and cannot answer; this thread pauses
// it through an inspector session and reads its frames. The debugger is enabled at start, while
// the main thread still listens: an enable sent to a stuck thread is never handled, a pause is.
import inspector from 'node:inspector';
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { END_OF_MESSAGE, STACK_REPLY, STACK_REQUEST } from '../boot-contract.ts';

const PAUSE_WAIT_MS = 1000;

const session = new inspector.Session();
session.connectToMainThread();
// A paused frame names its script by id only: the enable reports every script loaded so far, and
// each one loaded later, with its URL.
const scripts = new Map<string, string>();
session.on('Debugger.scriptParsed', ({ params }: { params: { scriptId: string; url: string } }) => {
  if (params.url) scripts.set(params.scriptId, params.url);
});
session.post('Debugger.enable');

interface Frame {
  functionName: string;
  url: string;
  location: { scriptId: string; lineNumber: number; columnNumber: number };
}

function format(frames: Frame[]): string {
  const where = (f: Frame) => f.url || scripts.get(f.location.scriptId) || `script ${f.location.scriptId}`;
  return frames.map((f) => `    at ${f.functionName || '<anonymous>'} (${where(f)}:${f.location.lineNumber + 1}:${f.location.columnNumber + 1})`).join('\n');
}

const control = new net.Socket({ fd: workerData.controlFd as number, readable: true, writable: true });
control.on('error', () => undefined); // the master went away: nobody to answer
control.on('data', (request) => {
  if (!request.toString().includes(STACK_REQUEST.trim())) return;
  const reply = (text: string) => control.write(`${STACK_REPLY}${text}${END_OF_MESSAGE}`);
  // Blocked outside JavaScript (a native call), the thread pauses only once it returns.
  const timer = setTimeout(() => reply(`    (no JavaScript frame within ${PAUSE_WAIT_MS} ms: blocked in a native call)`), PAUSE_WAIT_MS);
  session.once('Debugger.paused', ({ params }: { params: { callFrames: Frame[] } }) => {
    clearTimeout(timer);
    reply(format(params.callFrames));
    session.post('Debugger.resume');
  });
  session.post('Debugger.pause');
});

// The worker is exiting (stack-watch.ts waits for this).
parentPort!.once('message', () => {
  session.disconnect();
  Atomics.store(workerData.disconnected as Int32Array, 0, 1);
  Atomics.notify(workerData.disconnected as Int32Array, 0);
});
