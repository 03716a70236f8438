// Every group of the spec, in reading order.
import type { SpecGroup } from './harness/case.ts';
import prefork from './prefork.ts';
import lifecycle from './lifecycle.ts';
import signals from './signals.ts';
import concurrency from './concurrency.ts';
import http from './http.ts';
import gateway from './gateway.ts';

export const GROUPS: SpecGroup[] = [prefork, lifecycle, signals, concurrency, http, gateway];
