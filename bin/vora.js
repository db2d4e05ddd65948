#!/usr/bin/env node
// Entry for `vora` and the npm scripts: runs the TypeScript CLI through tsx so no build step is needed.
import { register } from 'tsx/esm/api';

// We run on Node 20 knowingly (wrangler 4.86 is pinned for it); the SDK's notice is noise in every log.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../cli/main.ts');
