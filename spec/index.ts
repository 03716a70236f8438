// Every group of the spec, in reading order. A group is a folder: its index.ts holds the summary
// and the order of its cases, one file per case, spec/<group>/[<profile>/]<name>.ts (spec/README.md,
// "Layout"; checked by test/spec-layout.test.ts).
import type { SpecGroup } from './harness/case.ts';
import prefork from './prefork/index.ts';
import lifecycle from './lifecycle/index.ts';
import signals from './signals/index.ts';
import concurrency from './concurrency/index.ts';
import http from './http/index.ts';
import gateway from './gateway/index.ts';

export const GROUPS: SpecGroup[] = [prefork, lifecycle, signals, concurrency, http, gateway];
