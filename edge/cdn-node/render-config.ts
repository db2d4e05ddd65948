import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertPullSecret } from '../../contracts/pull-signing.ts';
import { renderNginxSegmentTokenSnippet } from '../src/playback/segment-token.ts';

/** Debian's njs module (libnginx-mod-http-js), which signs the node's pulls. */
export const defaultNjsModule = '/usr/lib/nginx/modules/ngx_http_js_module.so';
/** This folder: nginx imports pull-signer.js from it. */
const cdnNodeDir = dirname(fileURLToPath(import.meta.url));

/** Values that turn the nginx template into one node's configuration. */
export interface CdnNodeConfigValues {
  nodeId: string;
  /** `127.0.0.1:8081` locally, `0.0.0.0:80` on a farm host. */
  listen: string;
  /** host:port the node pulls misses from: the shield, or the origin's streaming gateway where there is none. */
  originHostPort: string;
  /** Folder for the node's cache, temp files and pid file. */
  nodeDir: string;
  /** Where nginx writes its JSON access log (a file: stdout may be a socket nginx cannot open). */
  accessLog: string;
  /** Shared with the edge, which signs segment URLs with it (VORA_NODE_KEY). */
  nodeKey: string;
  /** Signs the node's pulls upstream (VORA_PULL_SECRET, contracts/pull-signing.ts). */
  pullSecret: string;
  /** Path of ngx_http_js_module.so (default: Debian's). */
  njsModule?: string;
  /** A `user …;` line for the worker processes when the master runs as root, empty otherwise. */
  userDirective: string;
  workerProcesses?: number;
  cacheMaxSize?: string;
}

/** Fills every `{{NAME}}` placeholder; a placeholder left unfilled is an error, not a broken nginx. */
export function renderNginxConfig(template: string, values: CdnNodeConfigValues): string {
  const tokenCheck = renderNginxSegmentTokenSnippet(values.nodeKey);
  assertPullSecret(values.pullSecret);
  const fill: Record<string, string> = {
    NODE_ID: values.nodeId,
    LISTEN: values.listen,
    ORIGIN_HOSTPORT: values.originHostPort,
    NODE_DIR: values.nodeDir,
    ACCESS_LOG: values.accessLog,
    USER_DIRECTIVE: values.userDirective,
    WORKER_PROCESSES: String(values.workerProcesses ?? 1),
    CACHE_MAX_SIZE: values.cacheMaxSize ?? '2g',
    PULL_SECRET: values.pullSecret,
    NJS_MODULE: values.njsModule ?? defaultNjsModule,
    CDN_NODE_DIR: cdnNodeDir,
  };
  for (const [key, value] of Object.entries(fill)) {
    if (/[;{}\n]/.test(value) && key !== 'USER_DIRECTIVE') throw new Error(`nginx value ${key} contains a control character: ${JSON.stringify(value)}`);
  }
  // The token snippets are our own nginx text (the secret inside is validated), added after the check above.
  Object.assign(fill, { SEGMENT_TOKEN_HTTP: indent(tokenCheck.http, 2), SEGMENT_TOKEN_CHECK: indent(tokenCheck.location, 6) });
  const rendered = template.replace(/\{\{([A-Z_]+)\}\}/g, (match, name: string) => fill[name] ?? match);
  const left = rendered.match(/\{\{[A-Z_]+\}\}/);
  if (left) throw new Error(`nginx template placeholder ${left[0]} has no value`);
  return rendered;
}

function indent(text: string, spaces: number): string {
  return text.split('\n').join(`\n${' '.repeat(spaces)}`);
}
