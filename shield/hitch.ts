/**
 * The shield's TLS front: Varnish OSS speaks no TLS, so Debian's `hitch` terminates it and hands each connection to
 * a Varnish listener that takes the PROXY protocol (v2), so the VCL still sees the real client address (the purgers
 * ACL, logs). Pure: `renderHitchConfig(options)` → hitch.conf text.
 */
export interface HitchOptions {
  /** Where viewers' nodes and the edge connect: `*:443` on a shield host, `127.0.0.1:PORT` locally. */
  frontend: string;
  /** Varnish's PROXY listener (`varnishd -a 127.0.0.1:PORT,PROXY`). */
  backend: string;
  /** One PEM file holding the private key and the certificate chain. */
  pemFile: string;
  /** Worker processes (default 1; one per core on a shield host). */
  workers?: number;
  /** A user to drop to once the port is bound (hitch as root on a host); none locally. */
  user?: string;
  /**
   * Send the client address in a PROXY v2 header (default on: Varnish reads it). Off for a backend that speaks no
   * PROXY protocol, such as nginx-rtmp behind the ingest's RTMPS front.
   */
  proxyProtocol?: boolean;
}

const ADDRESS = /^(\*|[A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):\d{1,5}$/;
const PATH = /^\/[A-Za-z0-9_./-]+$/;

/** `host:port` → hitch's `[host]:port` (a wildcard stays `[*]`). */
function bracketed(address: string): string {
  const index = address.lastIndexOf(':');
  const host = address.slice(0, index).replace(/^\[|\]$/g, '');
  return `[${host}]:${address.slice(index + 1)}`;
}

export function renderHitchConfig(options: HitchOptions): string {
  for (const [name, value] of [['frontend', options.frontend], ['backend', options.backend]] as const) {
    if (!ADDRESS.test(value)) throw new Error(`hitch: ${name} ${JSON.stringify(value)} is not host:port`);
  }
  if (!PATH.test(options.pemFile)) throw new Error(`hitch: pem file ${JSON.stringify(options.pemFile)} is not an absolute path without spaces or quotes`);
  if (options.user !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(options.user)) throw new Error(`hitch: user ${JSON.stringify(options.user)} is not a user name`);
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new Error(`hitch: workers must be 1-64, got ${workers}`);
  return [
    '# Rendered by shield/hitch.ts — edit that file, not this one.',
    `frontend = "${bracketed(options.frontend)}"`,
    `backend = "${bracketed(options.backend)}"`,
    `pem-file = "${options.pemFile}"`,
    'tls-protos = TLSv1.2 TLSv1.3',
    // Varnish learns the client's address from the PROXY header (its listener is `,PROXY`).
    `write-proxy-v2 = ${options.proxyProtocol === false ? 'off' : 'on'}`,
    `workers = ${workers}`,
    'daemon = off',
    ...(options.user ? [`user = "${options.user}"`] : []),
    '',
  ].join('\n');
}
