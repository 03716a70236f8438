// What the signals cases share: a request held in flight on a worker, and whether the port still
// accepts.
import net from 'node:net';
import { send } from '../harness/client.ts';
import { eventually } from '../harness/eventually.ts';
import { bytesWords } from '../harness/observe.ts';
import type { Server } from '../harness/types.ts';
import { type Connection } from '../harness/wire.ts';

/**
 * Starts a streamed response and returns once the request is in flight on a worker: its first
 * chunk arrived, or, where the server buffers bodies (no byte leaves before the app ends), the
 * probe logged that the app started it.
 */
export async function inFlight(server: Server, chunks: number, delayMs: number): Promise<Connection> {
  const tag = `s${process.hrtime.bigint()}`;
  const connection = await send(server, { target: `/stream?chunks=${chunks}&bytes=4&delay=${delayMs}&tag=${tag}` });
  const said = `conform-probe: stream tag=${tag} `;
  await eventually(() => connection.pending.includes('0000') || server.logs().includes(said), {
    within: 5000,
    what: 'the first streamed chunk (or the probe\'s "stream" log line)',
    seen: () => `${bytesWords(connection.pending)}, no "stream" line logged`,
  });
  return connection;
}

export function refused(server: Server): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: server.host, port: server.port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
