// After tsc (npm run build): each entry of the reference server that Node starts on its own (the
// master's cli.js, a worker's boot.js, a gthread pool thread, the stack helper thread) is rewritten
// as one file with the server's own modules inside. Node's ES module loader resolves, reads and
// links every file apart; with ~30 modules a process that was a measurable part of its start
// (Node 24, two sync workers: spawn to the first answer 217 -> 204 ms, CPU of the start 382 -> 336
// ms). Packages (commander, koffi, tsx) stay where they are.
//
// A module that finds files next to it (import.meta.url) is given its own URL, as it had before:
// from the bundle's URL and the module's path relative to it, so the tree can move (npm pack).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.join(HERE, '..', 'dist', 'reference');
/** Below dist/reference: the master's cli.js, a worker's boot.js, its threads' own entries. */
const ENTRIES = JSON.parse(fs.readFileSync(path.join(HERE, 'bundle-entries.json'), 'utf8'));
/** What the server supports (package.json's engines). */
const TARGET = 'node20.19';

for (const entry of ENTRIES) {
  const outfile = path.join(DIST, entry);
  const ownUrl = {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, async ({ path: file }) => {
        const source = await fs.promises.readFile(file, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        let relative = path.relative(path.dirname(outfile), file).split(path.sep).join('/');
        if (!relative.startsWith('.')) relative = `./${relative}`;
        return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`), loader: 'js' };
      });
    },
  };
  await build({
    entryPoints: [outfile],
    outfile,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: TARGET,
    packages: 'external',
    sourcemap: true, // chained to tsc's maps: a stack read with --enable-source-maps names the TypeScript
    logLevel: 'warning',
    plugins: [ownUrl],
  });
}
