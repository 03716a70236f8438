// The reference's lazy Request and light Response must behave as Node's own classes wherever an
// app can tell, and cost nothing where it cannot.
import { describe, expect, test } from 'vitest';
import { headerFields, lazyRequest, materialize, NativeRequest, PreforkRequest } from '../../reference/gateway/lazy-request.ts';
import { LightResponse, NativeResponse, simpleParts } from '../../reference/gateway/light-response.ts';

function lazy(body?: string) {
  let made = 0;
  const request = lazyRequest(
    body ? 'POST' : 'GET',
    () => 'http://example.test/a?b=1',
    (url) => {
      made++;
      return new NativeRequest(url, { method: body ? 'POST' : 'GET', headers: [['x-a', '1'], ['x-a', '2']], body });
    },
    () => [['x-a', '1'], ['x-a', '2']],
  );
  return { request, made: () => made };
}

describe('lazy Request', () => {
  test('method and url without building the real Request; header fields for the server', () => {
    const { request, made } = lazy();
    expect(request.method).toBe('GET');
    expect(request.url).toBe('http://example.test/a?b=1');
    expect(headerFields(request)).toEqual([['x-a', '1'], ['x-a', '2']]);
    expect(made()).toBe(0);
  });
  test('anything else builds it once and forwards: headers, body, signal, clone', async () => {
    const { request, made } = lazy('payload');
    expect(request).toBeInstanceOf(NativeRequest);
    expect(request.headers.get('x-a')).toBe('1, 2');
    expect(await request.text()).toBe('payload');
    expect(request.bodyUsed).toBe(true);
    expect(request.signal).toBeInstanceOf(AbortSignal);
    expect(made()).toBe(1);
    expect(headerFields(request)).toBeUndefined(); // opened: the real one is the truth now
  });
  test('new Request(lazy) and instanceof work with the installed class', async () => {
    const { request } = lazy('x');
    const copy = new PreforkRequest(request);
    expect(copy.url).toBe('http://example.test/a?b=1');
    expect(await copy.text()).toBe('x');
    expect(request instanceof PreforkRequest).toBe(true);
    expect(new NativeRequest('http://x.test/') instanceof PreforkRequest).toBe(true);
    expect(materialize('http://x.test/')).toBe('http://x.test/');
  });
});

describe('light Response', () => {
  test('is a Response to instanceof, both ways', () => {
    const light = new LightResponse('hi');
    expect(light).toBeInstanceOf(NativeResponse);
    expect(new NativeResponse('x') instanceof LightResponse).toBe(true);
    expect(LightResponse.json({ a: 1 }) instanceof LightResponse).toBe(true);
  });
  test('reads as the native one: status, headers with the default content type, text', async () => {
    const light = new LightResponse('hi', { status: 201, headers: { 'X-A': '1' } });
    const native = new NativeResponse('hi', { status: 201, headers: { 'X-A': '1' } });
    expect(light.status).toBe(201);
    expect(light.ok).toBe(native.ok);
    expect([...light.headers]).toEqual([...native.headers]);
    expect(await light.text()).toBe('hi');
  });
  test('the server sends string or byte bodies without building it; other bodies need the real one', () => {
    expect(simpleParts(new LightResponse('hi'))).toMatchObject({ status: 200, body: 'hi' });
    expect(simpleParts(new LightResponse('hi'))!.headers).toEqual([['content-type', 'text/plain;charset=UTF-8']]);
    expect(simpleParts(new LightResponse(new Uint8Array([1, 2])))!.headers).toEqual([]);
    // The same fields as Headers lists them, whatever form the app used.
    for (const init of [{ 'X-A': ' 1 ', 'Content-Type': 'a/b' }, [['X-A', '1'], ['x-a', '2']] as [string, string][], new Headers({ 'X-B': '3' })]) {
      const native: Array<[string, string]> = [];
      new NativeResponse('x', { headers: init }).headers.forEach((value, name) => native.push([name, value]));
      expect(simpleParts(new LightResponse('x', { headers: init }))!.headers.sort()).toEqual(native.sort());
    }
    expect(() => simpleParts(new LightResponse('x', { headers: { 'Bad Name': '1' } }))).toThrow(TypeError);
    expect(simpleParts(new LightResponse(null, { status: 204 }))).toMatchObject({ status: 204, body: null });
    expect(simpleParts(new LightResponse(new ReadableStream()))).toBeUndefined();
    const touched = new LightResponse('hi');
    touched.headers.set('x-b', '2'); // the app changed the real one: it is the truth now
    expect(simpleParts(touched)).toBeUndefined();
    expect(simpleParts(new NativeResponse('hi'))).toBeUndefined();
  });
  test('Response.json() takes the same one-write path, with the native one\'s fields (issue 26 #5)', async () => {
    for (const [data, init] of [[{ a: 1 }, undefined], [[1, 'x'], { status: 201, headers: { 'X-A': '1' } }], ['s', { headers: { 'Content-Type': 'application/vnd.x+json' } }]] as const) {
      const light = LightResponse.json(data, init);
      const native = NativeResponse.json(data, init);
      expect(light).toBeInstanceOf(NativeResponse);
      const parts = simpleParts(light);
      expect(parts).toMatchObject({ status: native.status, body: JSON.stringify(data) });
      const fields: Array<[string, string]> = [];
      native.headers.forEach((value, name) => fields.push([name, value]));
      expect(parts!.headers.sort()).toEqual(fields.sort());
      expect(await LightResponse.json(data, init).json()).toEqual(data);
    }
    // What the native one refuses, it refuses the same way.
    expect(() => LightResponse.json(undefined)).toThrow(TypeError);
    expect(() => LightResponse.json({}, { status: 204 })).toThrow(TypeError);
  });
  test('arguments the native constructor refuses are refused the same way, at once', () => {
    expect(() => new LightResponse('x', { status: 204 })).toThrow(TypeError);
    expect(() => new LightResponse('x', { status: 99 })).toThrow(RangeError);
    expect(() => new NativeResponse('x', { status: 99 })).toThrow(RangeError);
  });
});
