import { cidrContains, parseCidr, parseIp, type Cidr } from '../../../contracts/cidr.ts';

/**
 * Where a webhook may be sent (pure). A receiver URL must be http(s) without credentials, and its address must
 * not be one of the operator's own networks — loopback, private, link-local, cloud metadata — unless
 * `VORA_WEBHOOK_ALLOWED_NETWORKS` names it (the local stack allows 127.0.0.1 so a developer receives locally).
 * The origin checks the URL when an endpoint is saved and every resolved address when it connects.
 */

export type RefusedAddressKind = 'loopback' | 'private' | 'link-local' | 'metadata' | 'unspecified' | 'reserved';

export interface WebhookUrlPolicy {
  /** Networks reachable even though they are of a refused kind. */
  allowedNetworks: Cidr[];
}

/** `VORA_WEBHOOK_ALLOWED_NETWORKS` (comma-separated CIDRs or addresses) → a policy; a bad entry throws, naming it. */
export function webhookUrlPolicy(allowedNetworks: string): WebhookUrlPolicy {
  const entries = allowedNetworks.split(',').map((entry) => entry.trim()).filter(Boolean);
  return {
    allowedNetworks: entries.map((entry) => {
      const cidr = parseCidr(entry);
      if (!cidr) throw new Error(`VORA_WEBHOOK_ALLOWED_NETWORKS: "${entry}" is not an IPv4/IPv6 address or CIDR (e.g. 127.0.0.1/32)`);
      return cidr;
    }),
  };
}

// Most specific first: 169.254.169.254 is metadata before it is link-local.
const refusedRanges: Array<[string, RefusedAddressKind]> = [
  ['169.254.169.254/32', 'metadata'], // AWS, GCP, Azure, OpenStack…
  ['100.100.100.200/32', 'metadata'], // Alibaba Cloud
  ['fd00:ec2::254/128', 'metadata'], // AWS over IPv6
  ['0.0.0.0/8', 'unspecified'],
  ['::/128', 'unspecified'],
  ['127.0.0.0/8', 'loopback'],
  ['::1/128', 'loopback'],
  ['10.0.0.0/8', 'private'],
  ['172.16.0.0/12', 'private'],
  ['192.168.0.0/16', 'private'],
  ['100.64.0.0/10', 'private'], // carrier-grade NAT
  ['fc00::/7', 'private'], // unique local
  ['169.254.0.0/16', 'link-local'],
  ['fe80::/10', 'link-local'],
  ['192.0.0.0/24', 'reserved'],
  ['198.18.0.0/15', 'reserved'], // benchmarking
  ['224.0.0.0/4', 'reserved'], // multicast
  ['240.0.0.0/4', 'reserved'], // reserved and broadcast
  ['ff00::/8', 'reserved'], // multicast
];
const refusedCidrs = refusedRanges.map(([range, kind]) => ({ cidr: parseCidr(range)!, kind }));
// NAT64 and 6to4 carry an IPv4 address inside: judged by that address.
const nat64 = parseCidr('64:ff9b::/96')!;
const sixToFour = parseCidr('2002::/16')!;

/** The refused kind of an address (text), or null when it is an ordinary public address. Unparseable → 'reserved'. */
export function refusedAddressKind(address: string): RefusedAddressKind | null {
  const bytes = parseIp(address.replace(/^\[|\]$/g, ''));
  if (!bytes) return 'reserved';
  return refusedKindOfBytes(bytes);
}

function refusedKindOfBytes(bytes: number[]): RefusedAddressKind | null {
  if (bytes.length === 16 && cidrContains(nat64, bytes)) return refusedKindOfBytes(bytes.slice(12));
  if (bytes.length === 16 && cidrContains(sixToFour, bytes)) return refusedKindOfBytes(bytes.slice(2, 6));
  return refusedCidrs.find(({ cidr }) => cidrContains(cidr, bytes))?.kind ?? null;
}

export type AddressVerdict = { ok: true } | { ok: false; reason: string };

/** Whether a webhook may connect to `address` under `policy`. */
export function checkWebhookAddress(address: string, policy: WebhookUrlPolicy): AddressVerdict {
  const bytes = parseIp(address.replace(/^\[|\]$/g, ''));
  if (bytes && policy.allowedNetworks.some((cidr) => cidrContains(cidr, bytes))) return { ok: true };
  const kind = refusedAddressKind(address);
  if (kind === null) return { ok: true };
  return { ok: false, reason: `${address} is a ${kind} address; webhooks are not sent there unless VORA_WEBHOOK_ALLOWED_NETWORKS includes it` };
}

// Names that always mean this machine or the cloud's metadata service, whatever DNS says.
const loopbackName = /(^|\.)localhost\.?$/i;
const metadataNames = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);

export type UrlVerdict = { ok: true; url: URL; /** A literal address to check now, or null: the host name is checked where it resolves. */ literalAddress: string | null } | { ok: false; reason: string };

/**
 * The checks that need no DNS: scheme, credentials, literal addresses and well-known names. A host name that
 * passes here is checked again at each connection, address by address (it could resolve anywhere).
 */
export function checkWebhookUrl(text: string, policy: WebhookUrlPolicy): UrlVerdict {
  if (!URL.canParse(text)) return { ok: false, reason: `"${text}" is not an absolute URL` };
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: `webhook URLs are http:// or https://, not ${url.protocol}//` };
  if (url.username || url.password) return { ok: false, reason: 'a webhook URL carries no user name or password; the signature proves the sender' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (metadataNames.has(host.toLowerCase().replace(/\.$/, ''))) return { ok: false, reason: `${host} is a cloud metadata service; webhooks are never sent there` };
  const literal = parseIp(host) ? host : loopbackName.test(host) ? '127.0.0.1' : null;
  if (literal !== null) {
    const verdict = checkWebhookAddress(literal, policy);
    if (!verdict.ok) return verdict;
  }
  return { ok: true, url, literalAddress: parseIp(host) ? host : null };
}
