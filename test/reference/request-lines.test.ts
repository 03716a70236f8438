// Which reads the request-line watch takes as naming a method llhttp does not know, and where it reads.
import http from 'node:http';
import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { noteRequest } from '../../reference/http/last-request.ts';
import { extensionMethodAt, requestHeadParsed, watchRequestLines } from '../../reference/http/request-lines.ts';
import { Connection } from '../../spec/harness/wire.ts';

describe('extensionMethodAt', () => {
  test.each([
    ['FOO /x HTTP/1.1\r\n', { start: 0, method: 'FOO' }],
    ['\r\n\r\nBAN /x HTTP/1.1\r\n', { start: 4, method: 'BAN' }], // empty lines between messages
    ['purge / HTTP/1.1\r\n', { start: 0, method: 'purge' }], // methods are case-sensitive: not PURGE
    ['X /', { start: 0, method: 'X' }],
    ['GET /x HTTP/1.1\r\n', undefined], // llhttp knows it
    ['PROPFIND /x HTTP/1.1\r\n', undefined],
    ['FOO', undefined], // cut before its space: left to llhttp
    [' /x HTTP/1.1\r\n', undefined], // no method at all
    ['G(T /x HTTP/1.1\r\n', undefined], // not a token: llhttp refuses it
    [`${'A'.repeat(65)} /x HTTP/1.1\r\n`, undefined], // longer than any method worth a rewrite
  ])('%j', (read, expected) => {
    expect(extensionMethodAt(Buffer.from(read, 'latin1'))).toEqual(expected);
  });
});

// Node lets llhttp read a plain connection itself; a 'data' listener would take every read through
// JavaScript streams (~2.9 us of ~10.6 us per request). The watch reads after llhttp instead.
describe('watchRequestLines on a plain connection', () => {
  test('leaves the connection read by llhttp itself, request after request', async () => {
    const server = http.createServer((req, res) => {
      if (!requestHeadParsed(server, req)) return;
      noteRequest(req);
      res.end(req.method);
    });
    const listener = net.createServer((socket) => {
      server.emit('connection', socket);
      watchRequestLines(server, socket);
      sockets.push(socket);
    });
    const sockets: net.Socket[] = [];
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const connection = await Connection.open('127.0.0.1', (listener.address() as net.AddressInfo).port);
    try {
      for (const method of ['GET', 'FOO']) {
        await connection.write(`${method} / HTTP/1.1\r\nHost: a\r\n\r\n`);
        expect((await connection.readResponse({ timeoutMs: 3000 })).body.toString()).toBe(method);
        // Before an extension method, llhttp reads; after one, that connection goes through JavaScript.
        expect((sockets[0] as unknown as { parser: { _consumed?: boolean } }).parser._consumed).toBe(method === 'GET');
      }
    } finally {
      connection.destroy();
      listener.close();
    }
  });
});
