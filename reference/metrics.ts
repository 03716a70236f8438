// StatsD metrics under gunicorn's names (its instrument/statsd.py), so that a dashboard made for
// gunicorn reads prefork too: per request gunicorn.requests, gunicorn.request.duration (ms) and
// gunicorn.request.status.<code> from the workers; gunicorn.workers (a gauge) from the master;
// gunicorn.log.<level> for every warning, error and critical line. With --dogstatsd-tags every
// datagram ends with "|#TAGS", as gunicorn appends them (DogStatsD's datagram format). UDP, fire
// and forget: a sink that is down never slows a request.
import dgram from 'node:dgram';
import { countLogLines } from './log.ts';

export interface StatsdTarget {
  host: string;
  port: number;
}

/** "HOST:PORT" or "[IPv6]:PORT", as gunicorn's --statsd-host takes it; undefined if it is not that. */
export function parseStatsdHost(raw: string): StatsdTarget | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(raw.trim());
  const port = Number(match?.[3]);
  return match && port >= 1 && port <= 65535 ? { host: match[1] ?? match[2], port } : undefined;
}

export class Statsd {
  private readonly socket: dgram.Socket;
  private readonly target: StatsdTarget;

  private readonly suffix: string;

  constructor(hostPort: string, private readonly prefix: string, tags = '') {
    this.suffix = tags ? `|#${tags}` : '';
    this.target = parseStatsdHost(hostPort)!; // the setting was checked
    this.socket = dgram.createSocket(this.target.host.includes(':') ? 'udp6' : 'udp4');
    this.socket.on('error', () => undefined); // a sink that is down is no error of the server's
    this.socket.unref();
  }

  increment(name: string, value = 1): void {
    this.send(`${name}:${value}|c`);
  }

  gauge(name: string, value: number): void {
    this.send(`${name}:${value}|g`);
  }

  timing(name: string, ms: number): void {
    this.send(`${name}:${Math.round(ms)}|ms`);
  }

  private send(line: string): void {
    this.socket.send(`${this.prefix ? `${this.prefix}.` : ''}${line}${this.suffix}`, this.target.port, this.target.host, () => undefined);
  }
}

/** The process's StatsD sink when --statsd-host is set, its log lines counted (gunicorn.log.<level>). */
export function statsdOf(settings: { statsdHost: string | null; statsdPrefix: string; dogstatsdTags: string }): Statsd | undefined {
  if (!settings.statsdHost) return undefined;
  const statsd = new Statsd(settings.statsdHost, settings.statsdPrefix, settings.dogstatsdTags);
  countLogLines((level) => statsd.increment(`gunicorn.log.${level}`));
  return statsd;
}
