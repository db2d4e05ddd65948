#!/usr/bin/env node
// Entry for `vora` and the npm scripts: runs the TypeScript CLI through tsx so no build step is needed.
import { register } from 'tsx/esm/api';

register();
await import('../origin/cli/main.ts');
