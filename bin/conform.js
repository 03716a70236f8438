#!/usr/bin/env node
// The `conform` command: TypeScript sources run through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../conformance/cli.ts');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error('conform: internal error:', error);
    process.exit(2);
  },
);
