// A helper thread in every worker, there for one question of the master: "where is your main
// thread?", asked when the worker missed its heartbeat and is about to be killed. The main thread
// is then stuck (a CPU-bound loop, a long synchronous call) and cannot answer; this thread
// connects an inspector session to it, pauses it and reads its frames. All of that only when
// asked: an enabled debugger costs every worker ~60 ms of CPU at boot, and V8 handles the enable
// and the pause of a stuck thread by interrupt all the same.
import inspector from 'node:inspector';
import net from 'node:net';
import { workerData } from 'node:worker_threads';
import { END_OF_MESSAGE, STACK_REPLY, STACK_REQUEST } from '../boot-contract.ts';

const PAUSE_WAIT_MS = 1000;

interface Frame {
  functionName: string;
  url: string;
  location: { scriptId: string; lineNumber: number; columnNumber: number };
}

/** The main thread's frames, formatted as a JavaScript stack, or why there are none. */
function mainThreadStack(): Promise<string> {
  const session = new inspector.Session();
  session.connectToMainThread();
  // A paused frame names its script by id only: the enable reports every script with its URL.
  const scripts = new Map<string, string>();
  session.on('Debugger.scriptParsed', ({ params }: { params: { scriptId: string; url: string } }) => {
    if (params.url) scripts.set(params.scriptId, params.url);
  });
  const where = (f: Frame) => f.url || scripts.get(f.location.scriptId) || `script ${f.location.scriptId}`;
  return new Promise<string>((resolve) => {
    // Blocked outside JavaScript (a native call), the thread pauses only once it returns.
    const timer = setTimeout(() => resolve(`    (no JavaScript frame within ${PAUSE_WAIT_MS} ms: blocked in a native call)`), PAUSE_WAIT_MS);
    session.once('Debugger.paused', ({ params }: { params: { callFrames: Frame[] } }) => {
      clearTimeout(timer);
      resolve(params.callFrames.map((f) => `    at ${f.functionName || '<anonymous>'} (${where(f)}:${f.location.lineNumber + 1}:${f.location.columnNumber + 1})`).join('\n'));
      session.post('Debugger.resume');
    });
    session.post('Debugger.enable', () => session.post('Debugger.pause'));
  }).finally(() => session.disconnect());
}

const control = new net.Socket({ fd: workerData.controlFd as number, readable: true, writable: true });
control.on('error', () => undefined); // the master went away: nobody to answer
control.on('data', (request) => {
  if (!request.toString().includes(STACK_REQUEST.trim())) return;
  void mainThreadStack().then((stack) => control.write(`${STACK_REPLY}${stack}${END_OF_MESSAGE}`));
});
