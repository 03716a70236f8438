// HTTPS: --certfile and --keyfile (gunicorn's names) make every bind serve TLS. The master checks
// the pair before binding (a bad pair exits 2, as any bad setting); each worker builds its own
// context and wraps every connection it takes, so the worker's bookkeeping sees one socket per
// connection whatever the scheme.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type net from 'node:net';
import type tls from 'node:tls';
import { SettingError, type Settings } from './settings.ts';

// Loaded only where TLS is configured: node:tls and node:crypto are ~8 ms of a master's start
// (before it can fork), for every server that serves plain HTTP.
let loaded: typeof tls | undefined;
const nodeTls = (): typeof tls => (loaded ??= createRequire(import.meta.url)('node:tls') as typeof tls);

export function secureContextOf(settings: Pick<Settings, 'certfile' | 'keyfile'>): tls.SecureContext | undefined {
  const { certfile, keyfile } = settings;
  if (!certfile && !keyfile) return undefined;
  if (!certfile || !keyfile) throw new SettingError(`--certfile and --keyfile go together; got only ${certfile ? '--certfile' : '--keyfile'}`);
  try {
    return nodeTls().createSecureContext({ cert: fs.readFileSync(certfile), key: fs.readFileSync(keyfile) });
  } catch (error) {
    throw new SettingError(`--certfile ${certfile} --keyfile ${keyfile}: ${(error as Error).message}`);
  }
}

/** The server side of a TLS connection over an accepted socket; a failed handshake just closes it. */
export function wrapTls(socket: net.Socket, secureContext: tls.SecureContext): tls.TLSSocket {
  const wrapped = new (nodeTls().TLSSocket)(socket, { isServer: true, secureContext, allowHalfOpen: true } as tls.TLSSocketOptions);
  wrapped.on('error', () => wrapped.destroy());
  return wrapped;
}
