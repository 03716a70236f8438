// gunicorn's log format, so operators feel at home: "[date] [pid] [LEVEL] message"; to stderr, or
// appended to --error-logfile, which every process opens itself and reopens on USR1 (rotation).
import fs from 'node:fs';

const LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type LogLevel = (typeof LEVELS)[number];

let threshold: LogLevel = 'info';

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

function stamp(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

let file: { path: string; fd: number; capture?: (fd: number) => void } | undefined;

/**
 * Where the log goes: "-" for stderr, else a file appended to. `capture` (--capture-output) is
 * given the file's descriptor to point the process's stdout and stderr at (the caller's dup2:
 * this module stays free of native code, as the threads of a gthread worker load it too).
 */
export function setLogFile(target: string, capture?: (fd: number) => void): void {
  if (file) fs.closeSync(file.fd);
  file = target === '-' ? undefined : { path: target, fd: fs.openSync(target, 'a'), capture };
  // gunicorn's capture_output: the app's own prints go to the same open file, in order with the log's.
  if (file) file.capture?.(file.fd);
}

/**
 * After a rotation (USR1): the file of the same name, made anew if it was moved away. One that
 * cannot be opened (its directory gone, another owner) is said in the file as it was, which the
 * log goes on to: a rotation never ends a process.
 */
export function reopenLogFile(): void {
  if (!file) return;
  let fd: number;
  try {
    fd = fs.openSync(file.path, 'a');
  } catch (error) {
    log('error', `Cannot reopen the log file ${file.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; logging on to the file as it was`);
    return;
  }
  fs.closeSync(file.fd);
  file = { ...file, fd };
  file.capture?.(fd);
}

let counter: ((level: LogLevel) => void) | undefined;

/** Told of every warning, error and critical line, whatever the log level (StatsD's gunicorn.log.*). */
export function countLogLines(count: (level: LogLevel) => void): void {
  counter = count;
}

export function log(level: LogLevel, message: string): void {
  if (counter && (level === 'warning' || level === 'error' || level === 'critical')) counter(level);
  if (LEVELS.indexOf(level) < LEVELS.indexOf(threshold)) return;
  const line = `[${stamp()}] [${process.pid}] [${level.toUpperCase()}] ${message}\n`;
  // One write of the whole line to a file opened for appending: lines of several processes never interleave.
  if (file) fs.writeSync(file.fd, line);
  else process.stderr.write(line);
}
