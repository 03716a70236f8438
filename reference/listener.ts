// Binding in the master: Node binds and listens, then the master keeps only a close-on-exec copy
// of the socket and closes Node's handle in the same tick, before the event loop could accept
// anything. The master thus owns listening sockets it never accepts on; workers inherit them.
import fs from 'node:fs';
import net from 'node:net';
import type { Address } from './address.ts';
import { dup } from './libc.ts';

export interface Listener {
  fd: number;
  /** What the environ names (SERVER_NAME, SERVER_PORT): the socket's path and 0 for a unix socket. */
  host: string;
  port: number;
  /** A unix socket this master created: removed when it stops. */
  unlinkOnClose?: string;
}

/** umask: the mask the created unix socket's mode is made with (gunicorn's --umask, default 0: 0777). */
export async function bind(address: Address, backlog: number, umask = 0): Promise<Listener> {
  const unixPath = address.kind === 'unix' ? address.path : undefined;
  if (unixPath) await removeStaleSocket(unixPath);
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(address.kind === 'fd' ? new Error(`fd://${address.fd}: not a listening socket this process holds (${error.code ?? error.message})`) : error);
    });
    const options = address.kind === 'tcp' ? { host: address.host, port: address.port, backlog } : address.kind === 'unix' ? { path: address.path, backlog } : { fd: address.fd, backlog };
    // The socket file is made as listen() binds, in this tick: the mask applies to it only.
    const previousMask = unixPath ? process.umask(umask) : undefined;
    server.listen(options, () => {
      const handle = (server as unknown as { _handle: { fd: number } })._handle;
      const fd = dup(handle.fd);
      const bound = server.address();
      // Closing a unix socket server unlinks its path (libuv): a second link keeps the name.
      const keep = unixPath && `${unixPath}.${process.pid}.bound`;
      if (unixPath && keep) fs.linkSync(unixPath, keep);
      server.close(); // closes Node's descriptor (for fd://, the inherited one: the copy remains)
      if (unixPath && keep) fs.renameSync(keep, unixPath);
      if (typeof bound === 'string' || bound === null) {
        resolve({ fd, host: bound ?? '', port: 0, ...(unixPath ? { unlinkOnClose: unixPath } : {}) });
      } else {
        resolve({ fd, host: bound.address, port: bound.port });
      }
    });
    if (previousMask !== undefined) process.umask(previousMask);
  });
}

/**
 * A socket file left by a server that died is removed (gunicorn does too); one a server still
 * answers on is not taken over, and any other file is not touched.
 */
async function removeStaleSocket(path: string): Promise<void> {
  let stat;
  try {
    stat = fs.statSync(path);
  } catch {
    return;
  }
  if (!stat.isSocket()) throw new Error(`unix:${path}: the path exists and is not a socket`);
  const answered = await new Promise<boolean>((resolve) => {
    const probe = net.connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false)); // ECONNREFUSED: nobody listens
  });
  if (answered) throw new Error(`unix:${path}: another server is listening on it`);
  fs.unlinkSync(path);
}

/** How the log names a listener: gunicorn's "http://HOST:PORT" or "unix:PATH". */
export function listenerUrl(listener: Listener): string {
  if (listener.port === 0) return `unix:${listener.host}`;
  return `http://${listener.host.includes(':') ? `[${listener.host}]` : listener.host}:${listener.port}`;
}
