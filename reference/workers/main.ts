// A worker process (after boot.js): loads the app, runs its class.
import { APP_LOAD_ERROR, workerBoot } from '../boot-contract.ts';
import { installFetchGlobals } from '../gateway/fetch-globals.ts';
import { loadApp } from '../gateway/load.ts';
import { log, setLogLevel } from '../log.ts';
import { effectiveWorkerClass } from '../settings.ts';
import { AsyncWorker } from './async.ts';
import { GthreadWorker } from './gthread.ts';
import { heartbeatEvery, notify } from './heartbeat.ts';
import { threadPool } from './thread-pool.ts';
import { SyncWorker } from './sync.ts';
import { startStackHelper } from './stack-watch.ts';

installFetchGlobals(); // before the app loads: it may capture Response
const boot = workerBoot();
setLogLevel(boot.settings.logLevel);
// boot.js armed the parent-death signal and checked the parent before this module loaded.

// Before the app loads: a worker stuck loading it can say where, too.
startStackHelper(boot.controlFd);
let handler;
try {
  handler = await loadApp(boot.app);
} catch (error) {
  log('error', `Exception while loading the app: ${(error as Error).stack ?? error}`);
  process.exit(APP_LOAD_ERROR);
}

const cls = effectiveWorkerClass(boot.settings);
let pool;
if (cls === 'gthread') {
  // The app loaded here; while the threads load it too, this (idle) thread keeps beating, so a
  // slow pool start is not taken for a stuck worker.
  notify(boot.heartbeatFd);
  const beating = setInterval(() => notify(boot.heartbeatFd), heartbeatEvery(boot.settings.timeout));
  pool = threadPool(boot.app, boot.settings.threads);
  try {
    await pool.ready;
  } catch (error) {
    log('error', `Exception while loading the app in a thread: ${(error as Error).stack ?? error}`);
    process.exit(APP_LOAD_ERROR);
  }
  clearInterval(beating);
}
const worker =
  cls === 'sync'
    ? new SyncWorker(boot, handler, false)
    : cls === 'gthread'
      ? new GthreadWorker(boot, pool!.handler, true)
      : new AsyncWorker(boot, handler, true);
worker.run();
