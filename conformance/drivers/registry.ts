// The drivers, by name: what `--driver` accepts, what `auto` tries, what a report records. A
// driver is one file that exports a DriverKind; adding one is that file plus a line here.
//
// The contract, in the order a run uses it:
//   available()  in the runner, for `auto`: can this machine run it now? (kinds are tried in order)
//   prepare()    once per run: whatever every server start shares (an image, a run label);
//                returns the context create() receives, why this driver, and a sweep that
//                removes whatever the run leaves behind (also on Ctrl-C)
//   create()     once per class of a run: the Driver that starts servers (see driver-base.ts for
//                what every driver shares); disposed when the run ends or is interrupted
import type { Driver } from '../../spec/harness/types.ts';
import { HarnessError } from '../../spec/harness/types.ts';
import type { RunClass, Target } from '../manifest.ts';
import { containerDriver } from './container.ts';
import { processDriver } from './process.ts';
import { urlDriver } from './url.ts';

export interface Prepared {
  /** Why this driver and with what, for the run's first line. */
  because: string;
  /** What create() receives, for every class of the run. */
  context?: unknown;
  /** Removes whatever this run left behind; returns what it removed, for a message. */
  sweep(): Promise<string[]>;
}

/** What the command line says beyond the driver's name. */
export interface DriverRequest {
  /** `--url HOST:PORT`: a server already running there (the url driver). */
  url?: string;
}

export interface DriverKind {
  name: string;
  /** One line for --help. */
  help: string;
  /** For `auto`: true, or why not (kinds are tried in registry order). */
  available(): Promise<true | string>;
  prepare(target: Target, request?: DriverRequest): Promise<Prepared>;
  create(target: Target, runClass: RunClass, context: unknown): Driver;
}

/** In the order `auto` tries them (the url driver only ever runs when --url asks for it). */
export const DRIVERS: readonly DriverKind[] = [containerDriver, processDriver, urlDriver];

export const driverNames = () => DRIVERS.map((d) => d.name);

export function driverKind(name: string): DriverKind {
  const kind = DRIVERS.find((d) => d.name === name);
  if (!kind) throw new HarnessError(`no driver named ${name}; the kit has ${driverNames().join(', ')}`);
  return kind;
}

export interface DriverChoice extends Prepared {
  name: string;
}

/** `--driver NAME` or `auto`: resolved once, in the runner, before any case runs. */
export async function chooseDriver(option: string, target: Target, request: DriverRequest = {}): Promise<DriverChoice> {
  if (request.url !== undefined) {
    if (option !== 'auto' && option !== urlDriver.name) throw new HarnessError(`--url judges a server already running: --driver ${option} starts its own (leave --driver out, or drop --url)`);
    option = urlDriver.name;
  }
  if (option !== 'auto') {
    const prepared = await driverKind(option).prepare(target, request);
    return { name: option, ...prepared, because: prepared.because || 'asked for' };
  }
  const declined: string[] = [];
  for (const kind of DRIVERS) {
    const available = await kind.available();
    if (available !== true) {
      declined.push(`${kind.name}: ${available}`);
      continue;
    }
    const prepared = await kind.prepare(target);
    return { name: kind.name, ...prepared, because: `auto: ${[...declined, prepared.because].filter(Boolean).join('; ') || `${kind.name} is available`}` };
  }
  throw new HarnessError(`--driver auto: no driver can run here (${declined.join('; ')})`);
}
