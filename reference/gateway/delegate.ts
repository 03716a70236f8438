// A prototype whose accessors and methods forward to a real fetch object made on first use: the
// lazy Request and the light Response are `instanceof` the real classes and behave as them, but
// cost nothing until an app touches what only the real object has. (Node's fetch classes build
// streams, an AbortSignal and header lists eagerly: ~40 us a request, more than the server.)
export function delegateTo(target: object, keysOf: object, real: (self: object) => object): void {
  for (const key of Reflect.ownKeys(keysOf)) {
    if (key === 'constructor' || Object.prototype.hasOwnProperty.call(target, key)) continue;
    const desc = Object.getOwnPropertyDescriptor(keysOf, key)!;
    if (desc.get) {
      Object.defineProperty(target, key, {
        configurable: true,
        get(this: object) {
          return (real(this) as Record<PropertyKey, unknown>)[key];
        },
      });
    } else if (typeof desc.value === 'function') {
      Object.defineProperty(target, key, {
        configurable: true,
        writable: true,
        value(this: object, ...args: unknown[]) {
          const object = real(this) as Record<PropertyKey, (...a: unknown[]) => unknown>;
          return object[key](...args);
        },
      });
    }
  }
}
