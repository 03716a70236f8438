// A helper thread in a worker whose main thread runs the app (sync, async), there for one
// question of the master: "where is your main thread?", asked when the worker missed its heartbeat
// and is about to be killed. The main thread is then stuck (a CPU-bound loop, a long synchronous
// call) and cannot answer; this thread connects an inspector session to it, pauses it and reads
// its frames. All of that only when asked: an enabled debugger costs every worker ~60 ms of CPU at
// boot, and V8 handles the enable and the pause of a stuck thread by interrupt all the same.
import inspector from 'node:inspector';
import { workerData } from 'node:worker_threads';
import { formatFrames, NO_FRAME, PAUSE_WAIT_MS, type Frame } from './paused-frames.ts';
import { answerStackRequests } from './stack-requests.ts';

/** The main thread's frames, formatted as a JavaScript stack, or why there are none. */
function mainThreadStack(): Promise<string> {
  const session = new inspector.Session();
  session.connectToMainThread();
  const scripts = new Map<string, string>();
  session.on('Debugger.scriptParsed', ({ params }: { params: { scriptId: string; url: string } }) => {
    if (params.url) scripts.set(params.scriptId, params.url);
  });
  return new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve(NO_FRAME), PAUSE_WAIT_MS);
    session.once('Debugger.paused', ({ params }: { params: { callFrames: Frame[] } }) => {
      clearTimeout(timer);
      resolve(formatFrames(params.callFrames, scripts));
      session.post('Debugger.resume');
    });
    session.post('Debugger.enable', () => session.post('Debugger.pause'));
  }).finally(() => session.disconnect());
}

answerStackRequests(workerData.controlFd as number, mainThreadStack);
