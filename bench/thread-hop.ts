// What one request costs gthread before any HTTP or app work: a job goes to a worker_thread and
// the answer comes back, two wake-ups of a sleeping thread. Measured as a postMessage round trip
// with an environ-sized payload, CPU of the whole process (both threads) per round trip.
import { Worker } from 'node:worker_threads';

const ECHO = `const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m));`;

export async function threadHop(rounds = 5000): Promise<{ cpuUs: number; wallUs: number }> {
  const thread = new Worker(ECHO, { eval: true });
  const payload = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`HTTP_KEY_${i}`, `value ${i}`]));
  const roundTrip = () => new Promise((resolve) => {
    thread.once('message', resolve);
    thread.postMessage(payload);
  });
  for (let i = 0; i < 200; i++) await roundTrip(); // warm-up
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) await roundTrip();
  const wallUs = ((performance.now() - t0) * 1000) / rounds;
  const cpu = process.cpuUsage(cpu0);
  await thread.terminate();
  return { cpuUs: (cpu.user + cpu.system) / rounds, wallUs };
}
