// A worker process (after boot.js): loads the app, runs its class (classes.ts).
import { APP_LOAD_ERROR, SOURCES, tellMaster, workerBoot } from '../boot-contract.ts';
import { installFetchGlobals } from '../gateway/fetch-globals.ts';
import { loadApp, loadErrorWords } from '../gateway/load.ts';
import { flushCompileCache } from '../compile-cache.ts';
import { captureInto } from '../libc.ts';
import { log, setLogFile, setLogLevel } from '../log.ts';
import { WORKER_CLASSES } from './classes.ts';
import { startStackHelper } from './stack-watch.ts';

installFetchGlobals(); // before the app loads: it may capture Response
const boot = workerBoot();
setLogLevel(boot.settings.logLevel);
setLogFile(boot.settings.errorLogfile, boot.settings.captureOutput ? captureInto : undefined);
// boot.js armed the parent-death signal and checked the parent before this module loaded.

const kind = WORKER_CLASSES[boot.workerClass];
// Before the app loads: a worker stuck loading it can say where, too.
if (kind.answerStacks) kind.answerStacks(boot.controlFd);
else startStackHelper(boot.controlFd);
/** --reload: the master watches the files the app loads (gthread's threads tell them themselves). */
const reportSources = boot.settings.reload ? (files: string[]) => tellMaster(boot.controlFd, `${SOURCES}${JSON.stringify(files)}`) : undefined;
let handler;
try {
  handler = await kind.handler(async () => {
    // Loaded only for --reload: a worker without it pays nothing at boot.
    const look = reportSources && (await import('../gateway/app-sources.ts')).recordSources(reportSources);
    const loaded = await loadApp(boot.app, (line) => log('info', line));
    look?.(); // before the worker says it is ready
    return loaded;
  }, boot, reportSources);
} catch (error) {
  log('error', `Exception while loading the app: ${loadErrorWords(error)}`);
  process.exit(APP_LOAD_ERROR);
}
kind.create(boot, handler).run();
flushCompileCache(); // serving already: the next worker to boot reads what this one compiled
