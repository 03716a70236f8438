// gthread's first pool thread starts before the worker's own modules load (first-thread.ts), and
// the pool takes it over later: what the thread said meanwhile (its 'ready', an error, its exit)
// must reach the pool's listeners, or the worker would wait for a 'ready' already gone, or crash
// on an 'error' nobody listened to.
import { EventEmitter } from 'node:events';
import { describe, expect, test } from 'vitest';
import { holdEvents } from '../../reference/workers/first-thread.ts';

describe('holdEvents', () => {
  test('what was emitted before the listeners came reaches them, in order, with its arguments', () => {
    const emitter = new EventEmitter();
    const held = holdEvents(emitter, ['message', 'error', 'exit']);
    emitter.emit('message', { type: 'sources', files: ['a'] });
    emitter.emit('message', { type: 'ready' });
    emitter.emit('error', new Error('boom')); // does not throw: it is listened to
    emitter.emit('exit', 1);
    emitter.emit('online'); // not held
    const seen: unknown[] = [];
    for (const event of ['message', 'error', 'exit']) emitter.on(event, (...args: unknown[]) => seen.push([event, ...args]));
    held.replay();
    expect(seen).toEqual([
      ['message', { type: 'sources', files: ['a'] }],
      ['message', { type: 'ready' }],
      ['error', new Error('boom')],
      ['exit', 1],
    ]);
  });

  test('after the replay nothing is held or said twice, and events go straight to the listeners', () => {
    const emitter = new EventEmitter();
    const held = holdEvents(emitter, ['message', 'error']);
    emitter.emit('message', 1);
    const seen: unknown[] = [];
    emitter.on('message', (m) => seen.push(m));
    held.replay();
    emitter.emit('message', 2);
    held.replay();
    expect(seen).toEqual([1, 2]);
    expect(emitter.listenerCount('message')).toBe(1);
    expect(emitter.listenerCount('error')).toBe(0);
    expect(() => emitter.emit('error', new Error('unheard'))).toThrow('unheard');
  });
});
