#!/usr/bin/env node
// The `prefork` command runs the compiled server (npm run build): a master that loads no
// TypeScript tooling has no children but its workers.
import fs from 'node:fs';

const entry = new URL('../../dist/reference/cli.js', import.meta.url);
if (!fs.existsSync(entry)) {
  process.stderr.write('prefork: the server is not built yet; run `npm run build` first\n');
  process.exit(2);
}
// Before the server's own modules compile: they are cached too (compile-cache.ts).
(await import(new URL('../../dist/reference/compile-cache.js', import.meta.url).href)).enableCompileCache();
const { main } = await import(entry.href);
await main(process.argv.slice(2));
