// gunicorn's log format, so operators feel at home: "[date] [pid] [LEVEL] message".
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

export function log(level: LogLevel, message: string): void {
  if (LEVELS.indexOf(level) < LEVELS.indexOf(threshold)) return;
  process.stderr.write(`[${stamp()}] [${process.pid}] [${level.toUpperCase()}] ${message}\n`);
}
