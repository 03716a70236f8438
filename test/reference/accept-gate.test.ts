// A worker whose gate is closed (full) takes connections that wait in the backlog straight from it
// once it has room again, one accept() each, instead of reopening its listener per connection.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../spec/harness/eventually.ts';
import { parseAddress } from '../../reference/address.ts';
import { bind, type Listener } from '../../reference/listener.ts';
import { AcceptGate } from '../../reference/workers/gate.ts';

const opened: Array<{ destroy(): void }> = [];
afterEach(() => opened.splice(0).forEach((s) => s.destroy()));

function connect(listener: Listener): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const client = net.connect(listener.port, listener.host, () => resolve(client));
    client.on('error', reject);
    opened.push(client);
  });
}

const received = (client: net.Socket) => new Promise<string>((resolve) => client.once('data', (d) => resolve(d.toString())));

describe('AcceptGate.takeWaiting', () => {
  it('takes waiting connections one by one from a closed gate, then none, without blocking', async () => {
    const listener = await bind(parseAddress('127.0.0.1:0'), 16);
    const gate = new AcceptGate(listener.fd, 16, () => undefined, (error) => { throw error; });
    gate.open();
    gate.close();
    // The handshake completes in the backlog: nobody accepted these yet.
    const clients = [await connect(listener), await connect(listener)];
    const taken = [gate.takeWaiting(), gate.takeWaiting()];
    expect(taken.every((s) => s instanceof net.Socket)).toBe(true);
    opened.push(...(taken as net.Socket[]));
    expect(gate.takeWaiting()).toBeUndefined();
    // Each taken socket is a live connection to one of the clients, both ways.
    const greetings = clients.map(received);
    taken.forEach((s, i) => s!.write(`hello ${i}`));
    expect((await Promise.all(greetings)).sort()).toEqual(['hello 0', 'hello 1']);
    const echoed = new Promise<string>((resolve) => taken[0]!.once('data', (d) => resolve(d.toString())));
    clients.forEach((c) => c.write('ping'));
    expect(await echoed).toBe('ping');
  });

  it('takes nothing while the gate is open (the gate accepts) or before it ever opened', async () => {
    const listener = await bind(parseAddress('127.0.0.1:0'), 16);
    const accepted: net.Socket[] = [];
    const gate = new AcceptGate(listener.fd, 16, (s) => accepted.push(s), (error) => { throw error; });
    await connect(listener);
    // Never opened: the socket's non-blocking mode is not yet known to be set.
    expect(gate.takeWaiting()).toBeUndefined();
    gate.open();
    expect(gate.takeWaiting()).toBeUndefined();
    // The waiting connection went the gate's way.
    await eventually(() => accepted.length === 1, { within: 2000, what: 'the gate to accept' });
    opened.push(...accepted);
    gate.close();
  });
});
