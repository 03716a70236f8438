// The last line of defence against leaked containers: after a run, and on Ctrl-C, the runner
// removes every container that carries this run's label. Cases remove their own containers; a
// container found here means a case (or an interrupted run) did not.
import { RUN_LABEL, type RuntimeClient } from './engine.ts';

/** How long the engine must show no container of the run before the sweep ends, and its bound. */
const QUIET_MS = 600;
const WITHIN_MS = 10_000;

async function removeOnce(client: RuntimeClient, runId: string): Promise<string[]> {
  const dockerode = client.container.dockerode;
  const found = await dockerode.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
  await Promise.all(
    found.map((c) =>
      dockerode
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  return found.map((c) => c.Id.slice(0, 12));
}

/**
 * Removes the run's containers until the engine has shown none for a moment: a worker killed by
 * Ctrl-C may have sent a create request the engine completes after a first look (seen in CI: a
 * container left in state Created).
 */
export async function removeRunContainers(client: RuntimeClient, runId: string): Promise<string[]> {
  // A set: a container still being removed is listed again by the next look (seen in CI).
  const removed = new Set<string>();
  const deadline = Date.now() + WITHIN_MS;
  let quietSince = Date.now();
  while (Date.now() - quietSince < QUIET_MS && Date.now() < deadline) {
    const found = await removeOnce(client, runId);
    if (found.length > 0) {
      for (const id of found) removed.add(id);
      quietSince = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return [...removed];
}
