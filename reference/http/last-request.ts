// The last request whose head Node parsed on a connection. An error answer waits for the answers
// queued before it (server.ts); the request-line watch tells from it whether the parser is
// between messages (request-lines.ts).
import type http from 'node:http';
import type { Socket } from 'node:net';

const LAST = Symbol('prefork.lastRequest');

type Tagged = Socket & { [LAST]?: http.IncomingMessage };

/** Told of each request head, in the order Node parses them (its 'request' event). */
export function noteRequest(req: http.IncomingMessage): void {
  (req.socket as Tagged)[LAST] = req;
}

export function lastRequest(socket: Socket): http.IncomingMessage | undefined {
  return (socket as Tagged)[LAST];
}
