// A paused JavaScript thread's frames (the inspector protocol's Debugger.paused) as the stack a
// user reads: "at fn (file:line:column)". A frame names its script by id only; the URLs come
// from the Debugger.scriptParsed events that Debugger.enable replays for every script.
export interface Frame {
  functionName: string;
  url: string;
  location: { scriptId: string; lineNumber: number; columnNumber: number };
}

/** How long a thread is given to pause: blocked outside JavaScript, it pauses only once it returns. */
export const PAUSE_WAIT_MS = 1000;

export const NO_FRAME = `    (no JavaScript frame within ${PAUSE_WAIT_MS} ms: blocked in a native call)`;

export function formatFrames(frames: Frame[], scripts: ReadonlyMap<string, string>): string {
  const where = (f: Frame) => f.url || scripts.get(f.location.scriptId) || `script ${f.location.scriptId}`;
  return frames.map((f) => `    at ${f.functionName || '<anonymous>'} (${where(f)}:${f.location.lineNumber + 1}:${f.location.columnNumber + 1})`).join('\n');
}
