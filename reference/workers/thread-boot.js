// Pool threads start here: on Node 20 a --import preload does not cover a .ts thread entry, so
// tsx is registered by hand before the TypeScript thread body loads.
import { register } from 'tsx/esm/api';

register();
await import('./thread-main.ts');
