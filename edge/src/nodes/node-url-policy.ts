/**
 * Which CDN node URLs the edge hands to viewers. Outside local development a node must serve HTTPS: a watch page
 * on HTTPS has plain-HTTP segment requests blocked as mixed content, and segment tokens would cross the internet
 * in clear. Plain HTTP is accepted for a loopback node (a developer's `npm start`) or with ALLOW_PLAIN_HTTP_NODES. Pure.
 */
export function nodeUrlRefusal(url: string, options: { allowPlainHttp: boolean }): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `node URL ${JSON.stringify(url)} is not a URL`;
  }
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol !== 'http:') return `node URL ${url} must be https://`;
  if (options.allowPlainHttp || isLoopbackHost(parsed.hostname)) return null;
  return `node URL ${url} is plain HTTP: viewers' segment requests would be blocked as mixed content and their tokens sent in clear — serve the node over HTTPS (edge/cdn-node: set a certificate) and heartbeat its https:// URL, or set ALLOW_PLAIN_HTTP_NODES=true on the edge for local development`;
}

/** localhost, *.localhost, 127.0.0.0/8 and [::1]: reachable from this machine only. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '[::1]';
}

/** The edge's ALLOW_PLAIN_HTTP_NODES var: "true" or "1" turn the exception on; anything else leaves it off. */
export function plainHttpNodesAllowed(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}
