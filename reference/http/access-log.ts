// gunicorn's default access log line: %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s".
// "-" writes to stdout; a file is appended to and reopened on USR1 (log rotation).
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function clf(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `[${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000]`;
}

export function accessLine(req: IncomingMessage, status: number, bytes: number, when = new Date()): string {
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === 'string' && value !== '' ? value : '-';
  };
  const peer = (req.socket.remoteAddress ?? '-').replace(/^::ffff:/, '');
  return `${peer} - - ${clf(when)} "${req.method} ${req.url} HTTP/${req.httpVersion}" ${status} ${bytes} "${header('referer')}" "${header('user-agent')}"\n`;
}

export class AccessLog {
  private stream?: fs.WriteStream;

  constructor(private readonly target: string) {
    this.reopen();
  }

  reopen(): void {
    if (this.target === '-') return;
    this.stream?.end();
    this.stream = fs.createWriteStream(this.target, { flags: 'a' });
  }

  write(line: string): void {
    if (this.target === '-') process.stdout.write(line);
    else this.stream?.write(line);
  }
}
