// Addresses as gunicorn takes them: HOST:PORT, [IPv6]:PORT, HOST (port 8000), unix:PATH, fd://N
// (a listening socket the process inherited), and systemd's LISTEN_FDS. Parsed when the settings
// are read, so a bad one exits 2 before anything binds.

export type Address = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string } | { kind: 'fd'; fd: number };

const DEFAULT_PORT = 8000;
/** sun_path holds 108 bytes on Linux, its last a NUL: a longer path would be cut (and bound cut). */
const UNIX_PATH_MAX = 107;

/** An address in gunicorn's forms, or an Error saying which forms there are. */
export function parseAddress(text: string): Address {
  if (text.startsWith('unix:')) {
    const path = text.slice('unix:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new Error(`unix: needs a path, e.g. unix:/run/app.sock`);
    const bytes = Buffer.byteLength(path);
    if (bytes > UNIX_PATH_MAX) throw new Error(`unix:${path}: the path is ${bytes} bytes, longer than a unix socket path may be (${UNIX_PATH_MAX} bytes)`);
    return { kind: 'unix', path };
  }
  if (text.startsWith('fd://')) {
    const fd = Number(text.slice('fd://'.length));
    if (!/^\d+$/.test(text.slice('fd://'.length)) || fd < 3) throw new Error(`fd:// needs a descriptor number >= 3, got ${JSON.stringify(text)}`);
    return { kind: 'fd', fd };
  }
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]/\s]+))(?::(\d{1,5}))?$/.exec(text);
  const port = match?.[3] === undefined ? DEFAULT_PORT : Number(match[3]);
  if (!match || port > 65535) throw new Error(`expected HOST:PORT, [IPv6]:PORT, HOST, unix:PATH or fd://N, got ${JSON.stringify(text)}`);
  return { kind: 'tcp', host: match[1] ?? match[2], port };
}

/**
 * systemd socket activation (sd_listen_fds): LISTEN_FDS sockets from descriptor 3 on, if
 * LISTEN_PID names this process. They replace --bind, and the variables are removed so that
 * workers and the app's subprocesses do not take them for theirs.
 */
export function systemdAddresses(env: NodeJS.ProcessEnv = process.env): Address[] | undefined {
  if (env.LISTEN_FDS === undefined || env.LISTEN_PID !== String(process.pid)) return undefined;
  const count = Number(env.LISTEN_FDS);
  delete env.LISTEN_FDS;
  delete env.LISTEN_PID;
  delete env.LISTEN_FDNAMES;
  if (!Number.isInteger(count) || count < 1) return undefined;
  return Array.from({ length: count }, (_, i) => ({ kind: 'fd', fd: 3 + i }));
}

export function describeAddress(address: Address): string {
  return address.kind === 'tcp' ? `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}` : address.kind === 'unix' ? `unix:${address.path}` : `fd://${address.fd}`;
}
