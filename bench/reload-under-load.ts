// `npm run bench:reload`: the reference under a steady load (CLIENTS clients, each sending its
// next request as soon as the last is answered, new connection each time) while the master gets
// HUP x5, TTIN x2 and TTOU x2, one signal a second; per class, the requests answered and the ones
// lost (an error or a status other than 200), and the longest wait. Issue 14: nothing lost.
// RELOAD_KEEPALIVE=1: each client keeps its connection (raw bytes, no retry a library would hide)
// and opens another only when the server closed it after an answer: a request sent as an old
// worker closes an idle connection is lost (issue 23 #5).
import { spawn } from 'node:child_process';
import { freePort } from '../conformance/drivers/launch.ts';
import { KIT_DIR } from '../conformance/manifest.ts';
import { eventually } from '../spec/harness/eventually.ts';
import { Connection, header } from '../spec/harness/wire.ts';

const CLIENTS = Number(process.env.RELOAD_CLIENTS ?? 8);
const SIGNALS: NodeJS.Signals[] = ['SIGHUP', 'SIGTTIN', 'SIGHUP', 'SIGTTOU', 'SIGHUP', 'SIGTTIN', 'SIGHUP', 'SIGTTOU', 'SIGHUP'];
const CLASSES = (process.env.RELOAD_CLASSES ?? 'sync,gthread,async').split(',');
const KEEPALIVE = process.env.RELOAD_KEEPALIVE === '1';
const THINK_MS = Number(process.env.RELOAD_THINK_MS ?? 0);

async function measure(cls: string): Promise<string> {
  const port = await freePort();
  const master = spawn(process.execPath, ['reference/bin/prefork.js', '-b', `127.0.0.1:${port}`, '-w', '2', '-k', cls, ...(cls === 'gthread' ? ['--threads', '4'] : []), '--log-level', 'warning', 'dist/fixtures/probe/reference/probe.js'], { cwd: KIT_DIR, stdio: 'ignore' });
  try {
    await eventually(() => fetch(`http://127.0.0.1:${port}/pid`).then((r) => r.ok), { within: 15_000, what: 'the server to answer' });
    let running = true;
    let answered = 0;
    let longest = 0;
    const lost: string[] = [];
    /** Keep-alive: one connection until the server closes it; a request without an answer is lost. */
    const keptClient = async () => {
      let connection: Connection | undefined;
      while (running) {
        const sent = Date.now();
        try {
          connection ??= await Connection.open('127.0.0.1', port);
          await connection.write('GET /pid HTTP/1.1\r\nHost: a\r\n\r\n');
          const response = await connection.readResponse({ timeoutMs: 10_000 });
          if (response.status === 200) answered++;
          else lost.push(`status ${response.status}`);
          // A pause before the next request (RELOAD_THINK_MS, at most): the connection idles then.
          if (THINK_MS) await new Promise((resolve) => setTimeout(resolve, Math.random() * THINK_MS));
          if (header(response, 'connection')?.toLowerCase() === 'close') {
            connection.destroy();
            connection = undefined;
          }
        } catch (error) {
          lost.push((error as Error).message.replace(/\(\d+ bytes buffered\)/, '').trim());
          connection?.destroy();
          connection = undefined;
        }
        longest = Math.max(longest, Date.now() - sent);
      }
      connection?.destroy();
    };
    const client = async () => {
      while (running) {
        const sent = Date.now();
        try {
          const response = await fetch(`http://127.0.0.1:${port}/pid`, { headers: { connection: 'close' }, signal: AbortSignal.timeout(10_000) });
          await response.arrayBuffer();
          if (response.status === 200) answered++;
          else lost.push(`status ${response.status}`);
        } catch (error) {
          lost.push((error as Error).cause ? String((error as { cause: Error }).cause.message) : (error as Error).message);
        }
        longest = Math.max(longest, Date.now() - sent);
      }
    };
    const clients = Array.from({ length: CLIENTS }, KEEPALIVE ? keptClient : client);
    for (const signal of SIGNALS) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      master.kill(signal);
    }
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the last reload settles under load
    running = false;
    await Promise.all(clients);
    return `${cls.padEnd(8)} ${String(answered).padStart(6)} answered, ${lost.length} lost${lost.length ? ` (${[...new Set(lost)].join('; ')})` : ''}, longest wait ${longest} ms`;
  } finally {
    master.kill('SIGTERM');
  }
}

console.log(`reload under load: ${CLIENTS} clients${KEEPALIVE ? ' (keep-alive)' : ''}, signals ${SIGNALS.map((s) => s.slice(3)).join(' ')} one a second`);
for (const cls of CLASSES) console.log(`  ${await measure(cls)}`);
