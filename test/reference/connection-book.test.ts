// The worker's connection book: busy vs idle, the keep-alive timer, what a stop closes.
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ConnectionBook, LINGER_MS } from '../../reference/workers/connections.ts';

class FakeSocket extends EventEmitter {
  destroyed = false;
  ended = false;
  end() {
    this.ended = true;
  }
  destroy() {
    this.destroyed = true;
    this.emit('close');
  }
}
const listener = { host: '127.0.0.1', port: 8000 };
const fake = () => new FakeSocket() as unknown as net.Socket & FakeSocket;

afterEach(() => vi.useRealTimers());

describe('ConnectionBook', () => {
  test('a new connection is busy until its first response; then idle, and closed after keepalive', () => {
    vi.useFakeTimers();
    const book = new ConnectionBook(2000);
    const socket = fake();
    book.admit(socket, listener, () => undefined);
    expect([book.size, book.busy]).toEqual([1, 1]);
    book.requestBegan(socket);
    book.responseEnded(socket, true);
    expect([book.size, book.busy]).toEqual([1, 0]);
    vi.advanceTimersByTime(1999);
    expect(socket.ended).toBe(false);
    vi.advanceTimersByTime(1);
    expect(socket.ended).toBe(true);
  });

  test('a connection busy again when the keep-alive timer fires is spared', () => {
    vi.useFakeTimers();
    const book = new ConnectionBook(1000);
    const socket = fake();
    book.admit(socket, listener, () => undefined);
    book.requestBegan(socket);
    book.responseEnded(socket, true);
    book.requestBegan(socket);
    vi.advanceTimersByTime(1500);
    expect(socket.ended).toBe(false);
    expect(book.busy).toBe(1);
  });

  test('a response that closes its connection frees the slot at once; the close tells the worker', () => {
    const book = new ConnectionBook(1000);
    const socket = fake();
    const closed = vi.fn();
    book.admit(socket, listener, closed);
    book.requestBegan(socket);
    book.responseEnded(socket, false);
    expect(book.size).toBe(0);
    socket.destroy();
    expect(closed).toHaveBeenCalledOnce();
    expect(book.busy).toBe(0);
  });

  test('pipelined: busy until the last of its responses ends', () => {
    const book = new ConnectionBook(1000);
    const socket = fake();
    book.admit(socket, listener, () => undefined);
    book.requestBegan(socket);
    book.requestBegan(socket);
    book.responseEnded(socket, true);
    expect(book.busy).toBe(1);
    book.responseEnded(socket, true);
    expect(book.busy).toBe(0);
  });

  test('closeIdle ends idle connections and spares busy ones; listenerOf names the listener', () => {
    vi.useFakeTimers();
    const book = new ConnectionBook(10_000);
    const [idle, busy] = [fake(), fake()];
    book.admit(idle, listener, () => undefined);
    book.admit(busy, { host: '::1', port: 9 }, () => undefined);
    book.requestBegan(idle);
    book.responseEnded(idle, true);
    vi.advanceTimersByTime(1500); // idle longer than the grace
    book.closeIdle(1000);
    expect([idle.ended, busy.ended]).toEqual([true, false]);
    expect(book.listenerOf(busy)).toEqual({ host: '::1', port: 9 });
  });

  test('closeIdle gives a connection that was just answered the grace: a request then is served, not cut (issue 23 #5)', () => {
    vi.useFakeTimers();
    const book = new ConnectionBook(10_000);
    const [quiet, reused] = [fake(), fake()];
    for (const socket of [quiet, reused]) {
      book.admit(socket, listener, () => undefined);
      book.requestBegan(socket);
      book.responseEnded(socket, true);
    }
    vi.advanceTimersByTime(200);
    book.closeIdle(1000);
    expect([quiet.ended, reused.ended]).toEqual([false, false]);
    book.requestBegan(reused); // its client's next request, sent as the stop began
    vi.advanceTimersByTime(800);
    expect([quiet.ended, reused.ended]).toEqual([true, false]);
  });

  test('with a head grace, a new connection without a request head by then is parked: no longer busy, still held', () => {
    vi.useFakeTimers();
    let parked = 0;
    const book = new ConnectionBook(2000, { ms: 1000, onPark: () => parked++ });
    const slow = fake();
    const prompt = fake();
    book.admit(slow, listener, () => undefined);
    book.admit(prompt, listener, () => undefined);
    book.requestBegan(prompt);
    vi.advanceTimersByTime(999);
    expect([book.size, book.busy, parked]).toEqual([2, 2, 0]);
    vi.advanceTimersByTime(1);
    // The slow one stops counting; the one whose request began is busy until its response.
    expect([book.size, book.busy, parked]).toEqual([2, 1, 1]);
    // Its head comes at last: busy again, and the timer is gone.
    book.requestBegan(slow);
    expect(book.busy).toBe(2);
    vi.advanceTimersByTime(5000);
    expect([book.busy, parked]).toEqual([2, 1]);
  });

  test('once the worker ended its side, the connection is released at once and closed after the linger if the client keeps its side open', async () => {
    vi.useFakeTimers();
    const book = new ConnectionBook(60_000);
    const socket = fake();
    const closed = vi.fn();
    book.admit(socket, listener, closed);
    // An error answer: the worker ends its side without a response of Node's (no responseEnded).
    socket.emit('finish');
    expect([book.size, book.busy]).toEqual([0, 0]);
    expect(closed).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(LINGER_MS - 1);
    expect(socket.destroyed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(socket.destroyed).toBe(true);
    // The close that follows tells the worker nothing twice.
    expect(closed).toHaveBeenCalledOnce();
  });

  test('a socket destroyed right after its side ended (a closing response) gets no linger timer', async () => {
    vi.useFakeTimers();
    const book = new ConnectionBook(60_000);
    const socket = fake();
    book.admit(socket, listener, () => undefined);
    socket.emit('finish');
    socket.destroy(); // Node's destroySoon, in the same turn
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
