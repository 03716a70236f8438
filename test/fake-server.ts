// A scripted stand-in for a target: a loopback TCP server whose replies a test chooses, wrapped
// as the harness's Server, so spec cases can be run against crafted (non-)conforming bytes.
import net from 'node:net';
import type { CaseContext, SpecCase } from '../spec/harness/case.ts';
import { askedConfig, defaultConfig } from '../spec/harness/case.ts';
import { GROUPS } from '../spec/index.ts';
import { GUNICORN_OPERATIONS } from '../conformance/manifest.ts';
import type { Server } from '../spec/harness/types.ts';

export type Reply = (request: string, socket: net.Socket) => void;

/**
 * Replies once the request head (and a Content-Length body, if any) has arrived. `oneAtATime`: a
 * server of capacity one, which reads a connection only once the one before it has closed; a
 * connection the reply ends stays open until the client closes it too (half-open allowed).
 * `stalledBodyMs`: a request whose body stops coming for this long is answered 408 and closed.
 */
export async function fakeServer(reply: Reply, { oneAtATime = false, stalledBodyMs = 0 } = {}): Promise<Server & { close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const waiting: net.Socket[] = [];
  let active: net.Socket | undefined;
  const tcp = net.createServer({ allowHalfOpen: oneAtATime }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    if (!oneAtATime) {
      socket.on('close', () => sockets.delete(socket));
      return serve(socket);
    }
    waiting.push(socket);
    if (!active) next();
  });
  const next = () => {
    const socket = (active = waiting.shift());
    if (!socket) return;
    if (socket.destroyed) return next(); // the client left while it waited
    socket.once('close', () => {
      sockets.delete(socket);
      next();
    });
    serve(socket);
  };
  const serve = (socket: net.Socket) => {
    let buffer = '';
    let stalled: NodeJS.Timeout | undefined;
    socket.on('close', () => clearTimeout(stalled));
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      clearTimeout(stalled);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: *(\d+)/i.exec(buffer.slice(0, end))?.[1] ?? 0);
      if (buffer.length < end + 4 + length) {
        if (stalledBodyMs) stalled = setTimeout(() => socket.end(http('408 Request Timeout', ['Content-Length: 0', 'Connection: close'])), stalledBodyMs);
        return;
      }
      const request = buffer;
      buffer = '';
      reply(request, socket);
    });
  };
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const { port } = tcp.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    extraPorts: [],
    config: defaultConfig('sync'),
    masterPid: process.pid,
    startedPid: process.pid,
    startedIsMaster: true,
    command: async () => ({ code: 0, output: '' }),
    workers: async () => [],
    alive: async () => true,
    threadStates: async () => [],
    signal: async () => undefined,
    exitStatus: () => null,
    logs: () => '',
    stop: async () => undefined,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        tcp.close(() => resolve());
      }),
  };
}

export function specCase(id: string): SpecCase {
  const found = GROUPS.flatMap((g) => g.cases).find((c) => c.id === id);
  if (!found) throw new Error(`no case ${id}`);
  return found;
}

/** Runs a case whose server is `server` (shared and started alike). */
export async function runAgainst(id: string, server: Server, cls: 'sync' | 'gthread' | 'async' = 'sync'): Promise<void> {
  const spec = specCase(id);
  const t: CaseContext = {
    id,
    specClass: cls,
    label: cls,
    seed: 7,
    target: {
      operations: GUNICORN_OPERATIONS,
      gracefulExit: { code: 0, signal: null }, reloadKeepsCount: false, capabilities: [],
      limits: { requestLine: 4094, headerFieldSize: 8190, headerFields: 100 },
    },
    // The scripted server is whatever the case asks for: its config says what was asked.
    start: async (overrides = {}) => given(server, askedConfig(spec, overrides)),
    shared: async (overrides = {}) => given(server, overrides),
    evidence: () => undefined,
  };
  await spec.run(t);
}

function given(server: Server, overrides: Partial<Server['config']>): Server {
  (server as { config: Server['config'] }).config = { ...defaultConfig(server.config.specClass), ...overrides };
  return server;
}

export const http = (status: string, headers: string[], body = '') =>
  `HTTP/1.1 ${status}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`;
