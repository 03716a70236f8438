// The worker's side of the heartbeat: touch the file the master fstat()s (arbiter.ts murder).
import fs from 'node:fs';

export function notify(fd: number): void {
  const now = Date.now() / 1000;
  fs.futimesSync(fd, now, now);
}

/** How often a healthy worker beats: a quarter of `timeout`, so one late timer never looks dead. */
export function heartbeatEvery(timeoutSeconds: number): number {
  return Math.max(100, Math.min(1000, (timeoutSeconds * 1000) / 4 || 1000));
}
