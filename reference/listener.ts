// Binding in the master: Node binds and listens, then the master keeps only a dup() of the socket
// and closes Node's handle in the same tick, before the event loop could accept anything. The
// master thus owns a listening socket it never accepts on; workers inherit it.
import net from 'node:net';
import { dup } from './libc.ts';

export interface Listener {
  fd: number;
  host: string;
  port: number;
}

export function parseAddress(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!match) throw new Error(`bad address ${address}`);
  return { host: match[1], port: Number(match[2]) };
}

export function bind(address: string, backlog: number): Promise<Listener> {
  const { host, port } = parseAddress(address);
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host, port, backlog }, () => {
      const handle = (server as unknown as { _handle: { fd: number } })._handle;
      const fd = dup(handle.fd);
      const bound = server.address() as net.AddressInfo;
      server.close();
      resolve({ fd, host: bound.address, port: bound.port });
    });
  });
}
