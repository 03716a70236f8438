// The Docker engine as the container driver reaches it, through testcontainers. testcontainers is
// loaded only here and only when a container is wanted: the process driver runs with Node alone.
import fs from 'node:fs';
import type * as Testcontainers from 'testcontainers';
import { HarnessError } from '../../spec/harness/types.ts';

/** Every container of the kit carries this label; `conform.run` tells runs apart. */
export const KIT_LABEL = 'io.conform.kit';
export const RUN_LABEL = 'io.conform.run';

type Module = typeof Testcontainers;

/** testcontainers is an optional peer of the kit: this says it is not installed. */
export class MissingTestcontainers extends HarnessError {}
/** The version the kit is tested with (package.json's peer range names it too). */
export const TESTCONTAINERS_VERSION = '11.14.0';
let loaded: Promise<Module> | undefined;

/**
 * testcontainers, configured for an engine without a registry or a bridge: no Ryuk (its image
 * cannot be pulled; the kit removes its own containers), and the host is loopback (without the
 * override it looks for a bridge gateway when /.dockerenv exists).
 */
export function testcontainers(): Promise<Module> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  loaded ??= import('testcontainers').catch((error: NodeJS.ErrnoException) => {
    loaded = undefined;
    if (error.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    // An optional peer: installs that only use the process driver stay small.
    throw new MissingTestcontainers(
      `the container driver needs the testcontainers package, which is not installed: npm i -D testcontainers@${TESTCONTAINERS_VERSION} (or use --driver process)`,
    );
  });
  return loaded;
}

export type RuntimeClient = Awaited<ReturnType<Module['getContainerRuntimeClient']>>;

/** Where an engine would be, for messages. */
function engineAddress(): string {
  return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

/**
 * The engine's client, or why there is none. A missing socket answers at once; an engine that
 * does not answer within `withinMs` counts as missing.
 */
export async function engine(withinMs = 10_000): Promise<RuntimeClient> {
  // testcontainers falls back to other sockets when DOCKER_HOST does not answer; an explicit
  // DOCKER_HOST is the user's choice, so a missing socket there means no engine.
  const socket = process.env.DOCKER_HOST ? /^unix:\/\/(.+)$/.exec(process.env.DOCKER_HOST)?.[1] : '/var/run/docker.sock';
  if (socket && !fs.existsSync(socket)) {
    throw new HarnessError(noEngine(`no socket at ${socket}`));
  }
  const { getContainerRuntimeClient } = await testcontainers();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${withinMs} ms`)), withinMs);
  });
  try {
    return await Promise.race([getContainerRuntimeClient(), timeout]);
  } catch (error) {
    throw new HarnessError(noEngine((error as Error).message));
  } finally {
    clearTimeout(timer);
  }
}

function noEngine(why: string): string {
  return (
    `--driver container needs a Docker engine, and none answers at ${engineAddress()} (${why}).\n` +
    '  Start one, e.g. `dockerd --bridge=none --iptables=false --ip-masq=false &` (see README, "Drivers: local processes or containers"),\n' +
    '  or run with --driver process (or auto, which falls back to it).'
  );
}

/** `auto`: the container driver when an engine answers quickly, the process driver otherwise. */
export async function engineAnswers(): Promise<boolean> {
  return (await engineProblem()) === undefined;
}

/** Why the container driver cannot run here, in a few words (for `--driver auto`), or undefined. */
export async function engineProblem(): Promise<string | undefined> {
  try {
    await engine(3_000);
    return undefined;
  } catch (error) {
    return error instanceof MissingTestcontainers ? 'the testcontainers package is not installed' : 'no Docker engine answers';
  }
}
