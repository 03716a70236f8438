// `npm run bench:reload`: the reference under a steady load (CLIENTS clients, each sending its
// next request as soon as the last is answered, new connection each time) while the master gets
// HUP x5, TTIN x2 and TTOU x2, one signal a second; per class, the requests answered and the ones
// lost (an error or a status other than 200), and the longest wait. Issue 14: nothing lost.
import { spawn } from 'node:child_process';
import { freePort } from '../conformance/drivers/launch.ts';
import { KIT_DIR } from '../conformance/manifest.ts';
import { eventually } from '../spec/harness/eventually.ts';

const CLIENTS = Number(process.env.RELOAD_CLIENTS ?? 8);
const SIGNALS: NodeJS.Signals[] = ['SIGHUP', 'SIGTTIN', 'SIGHUP', 'SIGTTOU', 'SIGHUP', 'SIGTTIN', 'SIGHUP', 'SIGTTOU', 'SIGHUP'];
const CLASSES = (process.env.RELOAD_CLASSES ?? 'sync,gthread,async').split(',');

async function measure(cls: string): Promise<string> {
  const port = await freePort();
  const master = spawn(process.execPath, ['reference/bin/prefork.js', '-b', `127.0.0.1:${port}`, '-w', '2', '-k', cls, ...(cls === 'gthread' ? ['--threads', '4'] : []), '--log-level', 'warning', 'dist/fixtures/probe/reference/probe.js'], { cwd: KIT_DIR, stdio: 'ignore' });
  try {
    await eventually(() => fetch(`http://127.0.0.1:${port}/pid`).then((r) => r.ok), { within: 15_000, what: 'the server to answer' });
    let running = true;
    let answered = 0;
    let longest = 0;
    const lost: string[] = [];
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
    const clients = Array.from({ length: CLIENTS }, client);
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

console.log(`reload under load: ${CLIENTS} clients, signals ${SIGNALS.map((s) => s.slice(3)).join(' ')} one a second`);
for (const cls of CLASSES) console.log(`  ${await measure(cls)}`);
