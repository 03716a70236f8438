// The Request URL the reference hands its app: the Host's origin and the target's whole path.
import { describe, expect, test } from 'vitest';
import { targetUrl } from '../../reference/http/server.ts';

describe('targetUrl', () => {
  test.each([
    ['/echo/x?y=1', 'good.example', 'http://good.example/echo/x?y=1'],
    ['//evil.example/admin', 'good.example', 'http://good.example//evil.example/admin'],
    ['/\\evil.example/admin', 'good.example:8080', 'http://good.example:8080//evil.example/admin'],
    ['/a%2Fb%20c?x=%20y', 'h', 'http://h/a%2Fb%20c?x=%20y'],
    ['http://other.example/p', 'good.example', 'http://other.example/p'],
  ])('%s with Host %s is %s', (target, host, url) => {
    expect(targetUrl(target, host)).toBe(url);
  });
});
