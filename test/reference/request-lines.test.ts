// Which reads the request-line watch takes as naming a method llhttp does not know.
import { describe, expect, test } from 'vitest';
import { extensionMethodAt } from '../../reference/http/request-lines.ts';

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
