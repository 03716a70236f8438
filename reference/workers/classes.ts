// The worker classes by name, as a worker runs them (main.ts): one module per class exporting a
// WorkerClassKind (base.ts has the contract) and a line here; the type makes every name -k takes
// (settings.ts, which the master reads without loading any worker code) have its class.
import type { WorkerClass } from '../settings.ts';
import { async } from './async.ts';
import type { WorkerClassKind } from './base.ts';
import { gthread } from './gthread.ts';
import { sync } from './sync.ts';

export const WORKER_CLASSES: Record<WorkerClass, WorkerClassKind> = { sync, gthread, async };
