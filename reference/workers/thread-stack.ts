// The stack of one of this process's worker_threads (gthread's pool), read from the main thread
// through the inspector's NodeWorker domain: the thread is paused (V8 interrupts it, so a
// CPU-bound loop pauses too), its frames are read, and it resumes. Nothing is enabled until asked.
import inspector from 'node:inspector';
import { formatFrames, NO_FRAME, PAUSE_WAIT_MS, type Frame } from './paused-frames.ts';

interface WorkerMessage {
  id?: number;
  method?: string;
  params?: { callFrames?: Frame[]; scriptId?: string; url?: string };
}

// Node 20: "[worker 3]"; Node 22.?/24 add the thread's name: "[worker 3] WorkerThread".
const WORKER_TITLE = /^\[worker (\d+)\]/;

export async function threadStack(threadId: number): Promise<string> {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params: object) =>
    new Promise<void>((resolve) => session.post(method, params, () => resolve())); // an error: the thread is gone; the timer answers
  let sessionId: string | undefined;
  let id = 0;
  const send = (method: string) => post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id: ++id, method }) });
  const scripts = new Map<string, string>();
  try {
    return await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve(NO_FRAME), PAUSE_WAIT_MS);
      session.on('NodeWorker.attachedToWorker', ({ params }: { params: { sessionId: string; workerInfo: { title: string } } }) => {
        // workerId counts attachments in no set order; the title names the thread by its threadId.
        if (WORKER_TITLE.exec(params.workerInfo.title)?.[1] !== String(threadId) || sessionId) return;
        sessionId = params.sessionId;
        void send('Debugger.enable').then(() => send('Debugger.pause'));
      });
      session.on('NodeWorker.receivedMessageFromWorker', ({ params }: { params: { sessionId: string; message: string } }) => {
        if (params.sessionId !== sessionId) return;
        const message = JSON.parse(params.message) as WorkerMessage;
        if (message.method === 'Debugger.scriptParsed' && message.params?.url) scripts.set(message.params.scriptId!, message.params.url);
        if (message.method === 'Debugger.paused') {
          clearTimeout(timer);
          resolve(formatFrames(message.params?.callFrames ?? [], scripts));
        }
      });
      void post('NodeWorker.enable', { waitForDebuggerOnStart: false });
    });
  } finally {
    // Resumed and detached before the session goes: a thread left paused would hang its request.
    if (sessionId) {
      await send('Debugger.resume');
      await send('Debugger.disable');
      await post('NodeWorker.detach', { sessionId });
    }
    session.disconnect();
  }
}
