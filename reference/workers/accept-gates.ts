// A worker's gates, one per listening socket (gate.ts): open while the worker can take one more
// connection, closed when it is full, so waiting connections stay in the kernel backlog for an
// idle worker. A worker that was full and has room again first takes the connections already
// waiting straight from the backlog (one accept() each, listeners in turn); its gates open only
// once none waits. Under load a sync worker so never reopens a listener, which cost more than
// the rest of a request.
import type net from 'node:net';
import type { ServerAddress } from '../gateway/environ.ts';
import { AcceptGate } from './gate.ts';

export interface GateState {
  /** Connections may be taken from the backlog by hand (serving, not draining). */
  mayTake: boolean;
  hasCapacity(): boolean;
  /** Whether the gates are to be open once the waiting connections were taken. */
  open(): boolean;
}

export class AcceptGates {
  private readonly gates: AcceptGate[];
  /** The listener takeWaiting() tries first, in turn, so one busy listener cannot starve another. */
  private next = 0;

  constructor(
    private readonly listeners: ReadonlyArray<ServerAddress & { fd: number }>,
    backlog: number,
    /** Given each connection taken; `byGate` when libuv accepted it (the gates then need an update before the next). */
    private readonly take: (socket: net.Socket, listener: ServerAddress, byGate: boolean) => void,
    /** Told when a gate found no descriptor left (EMFILE, ENFILE). */
    onOutOfDescriptors: (error: Error) => void,
  ) {
    this.gates = listeners.map((l) => new AcceptGate(l.fd, backlog, (socket) => take(socket, l, true), onOutOfDescriptors));
  }

  update(state: GateState): void {
    if (state.mayTake && !this.gates.some((gate) => gate.isOpen)) this.takeWaiting(state);
    const open = state.open();
    for (const gate of this.gates) {
      if (open) gate.open();
      else gate.close();
    }
  }

  /**
   * Every connection still waiting in the kernel's queues, whatever the capacity: a stopping
   * worker takes them before it closes its copies of the sockets (the last copy closed resets
   * whatever still waits).
   */
  takeAllWaiting(): void {
    this.gates.forEach((gate, index) => {
      for (let socket = gate.takeWaiting(); socket; socket = gate.takeWaiting()) this.take(socket, this.listeners[index], false);
    });
  }

  private takeWaiting(state: GateState): void {
    for (let missed = 0; missed < this.gates.length && state.hasCapacity(); ) {
      const index = this.next++ % this.gates.length;
      const socket = this.gates[index].takeWaiting();
      if (!socket) {
        missed++;
        continue;
      }
      missed = 0;
      this.take(socket, this.listeners[index], false);
    }
  }
}
