// `--driver auto|process|container` resolved once, in the runner, before any case runs: the
// engine is asked, the image is made, and every vitest worker receives plain data.
import crypto from 'node:crypto';
import type { ContainerRunContext } from './drivers/container-context.ts';
import { engine, engineAnswers, type RuntimeClient } from './drivers/engine.ts';
import { containerPlan } from './drivers/image.ts';
import { removeRunContainers } from './drivers/sweep.ts';
import type { Target } from './manifest.ts';
import type { DriverName } from './outcome.ts';

export type DriverOption = DriverName | 'auto';

export interface DriverChoice {
  name: DriverName;
  /** Why this driver, for the run's first line. */
  because: string;
  container?: ContainerRunContext;
  /** Removes whatever containers of this run are left; returns their short ids. */
  sweep(): Promise<string[]>;
}

const nothingToSweep = async () => [];

export async function chooseDriver(option: DriverOption, target: Target): Promise<DriverChoice> {
  if (option === 'process') return { name: 'process', because: 'asked for', sweep: nothingToSweep };
  if (option === 'auto' && !(await engineAnswers())) {
    return { name: 'process', because: 'auto: no Docker engine answers', sweep: nothingToSweep };
  }
  const client: RuntimeClient = await engine(); // --driver container without an engine: HarnessError, exit 2
  const plan = await containerPlan(client, target);
  const runId = crypto.randomUUID();
  return {
    name: 'container',
    because: `${option === 'auto' ? 'auto: an engine answers; ' : ''}image ${plan.image}, ${plan.source}`,
    container: { plan, runId },
    sweep: () => removeRunContainers(client, runId),
  };
}
