// What the runner hands every vitest worker for the container driver: plain data.
import type { ContainerPlan } from './image.ts';

export interface ContainerRunContext {
  plan: ContainerPlan;
  runId: string;
}
