// The last line of defence against leaked containers: after a run, and on Ctrl-C, the runner
// removes every container that carries this run's label. Cases remove their own containers; a
// container found here means a case (or a killed vitest worker) did not.
import { RUN_LABEL, type RuntimeClient } from './engine.ts';

export async function removeRunContainers(client: RuntimeClient, runId: string): Promise<string[]> {
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
