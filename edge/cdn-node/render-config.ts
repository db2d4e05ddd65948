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
  /**
   * host:port asked when `originHostPort` refuses or drops a pull: the origin's gateway behind a single shield, so a
   * shield restart costs viewers nothing (the gateway takes the node's signed pulls too). Empty: no fallback.
   */
  fallbackHostPort?: string;
  /** Serve HTTPS as well (every node outside local development): where, and the certificate's PEM files. */
  tls?: NodeTlsListener;
  /** Pull over HTTPS (a shield or gateway across the internet): the name its certificate must carry, and whom to trust. */
  upstreamTls?: UpstreamTls;
}

export interface NodeTlsListener {
  /** e.g. `0.0.0.0:443`, or `127.0.0.1:8443` locally. */
  listen: string;
  certificate: string;
  certificateKey: string;
}

export interface UpstreamTls {
  /** The upstream's host name as its certificate names it (SNI and verification). */
  serverName: string;
  /** CA bundle the upstream's certificate must chain to (default: Debian's system bundle). */
  trustedCertificate?: string;
}

/** Debian's bundle of public CAs (package ca-certificates). */
export const systemCaBundle = '/etc/ssl/certs/ca-certificates.crt';

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
    UPSTREAM_SCHEME: values.upstreamTls ? 'https' : 'http',
    ...(values.fallbackHostPort ? { UPSTREAM_FALLBACK_HOSTPORT: values.fallbackHostPort } : {}),
    ...(values.tls ? { TLS_LISTEN_ADDRESS: values.tls.listen, TLS_CERTIFICATE: values.tls.certificate, TLS_CERTIFICATE_KEY: values.tls.certificateKey } : {}),
    ...(values.upstreamTls ? { UPSTREAM_SERVER_NAME: values.upstreamTls.serverName, UPSTREAM_TRUSTED_CERTIFICATE: values.upstreamTls.trustedCertificate ?? systemCaBundle } : {}),
  };
  for (const [key, value] of Object.entries(fill)) {
    if (/[;{}\n]/.test(value) && key !== 'USER_DIRECTIVE') throw new Error(`nginx value ${key} contains a control character: ${JSON.stringify(value)}`);
    if (/^(TLS_|UPSTREAM_)/.test(key) && !/^[A-Za-z0-9_.:/\[\]-]+$/.test(value)) throw new Error(`nginx value ${key} must be a path, address or host name without spaces or quotes: ${JSON.stringify(value)}`);
  }
  // The token snippets are our own nginx text (the secret inside is validated), added after the check above.
  Object.assign(fill, {
    SEGMENT_TOKEN_HTTP: indent(tokenCheck.http, 2),
    SEGMENT_TOKEN_CHECK: indent(tokenCheck.location, 6),
    TLS_LISTEN: indent(tlsListenSnippet(fill), 4),
    UPSTREAM_SERVERS: indent(upstreamServersSnippet(fill), 4),
    UPSTREAM_TLS: indent(upstreamTlsSnippet(fill), 6),
  });
  const rendered = template.replace(/\{\{([A-Z_]+)\}\}/g, (match, name: string) => fill[name] ?? match);
  const left = rendered.match(/\{\{[A-Z_]+\}\}/);
  if (left) throw new Error(`nginx template placeholder ${left[0]} has no value`);
  return rendered;
}

/** The node's HTTPS listener in its one server block (same locations as plain HTTP), or a note that there is none. */
function tlsListenSnippet(fill: Record<string, string>): string {
  if (!fill.TLS_LISTEN_ADDRESS) return '# No HTTPS listener: plain HTTP is for local development (render-config.ts `tls`).';
  return [
    `listen ${fill.TLS_LISTEN_ADDRESS} ssl;`,
    `ssl_certificate ${fill.TLS_CERTIFICATE};`,
    `ssl_certificate_key ${fill.TLS_CERTIFICATE_KEY};`,
    'ssl_protocols TLSv1.2 TLSv1.3;',
    'ssl_session_cache shared:vora_tls:10m;',
    'ssl_session_timeout 1h;',
  ].join('\n');
}

/** The upstream: one server, or the shield first and, while it is down (2 s after a failed pull), the fallback. */
function upstreamServersSnippet(fill: Record<string, string>): string {
  if (!fill.UPSTREAM_FALLBACK_HOSTPORT) return `server ${fill.ORIGIN_HOSTPORT};`;
  return [`server ${fill.ORIGIN_HOSTPORT} max_fails=1 fail_timeout=2s;`, `server ${fill.UPSTREAM_FALLBACK_HOSTPORT} backup;`].join('\n');
}

/** Verified TLS to the upstream (the shield across the internet); nothing when it is pulled over plain HTTP. */
function upstreamTlsSnippet(fill: Record<string, string>): string {
  if (!fill.UPSTREAM_SERVER_NAME) return '# Upstream over plain HTTP (same host or private network).';
  return [
    'proxy_ssl_server_name on;',
    `proxy_ssl_name ${fill.UPSTREAM_SERVER_NAME};`,
    'proxy_ssl_verify on;',
    'proxy_ssl_verify_depth 4;',
    `proxy_ssl_trusted_certificate ${fill.UPSTREAM_TRUSTED_CERTIFICATE};`,
    'proxy_ssl_protocols TLSv1.2 TLSv1.3;',
    'proxy_ssl_session_reuse on;',
  ].join('\n');
}

function indent(text: string, spaces: number): string {
  return text.split('\n').join(`\n${' '.repeat(spaces)}`);
}
