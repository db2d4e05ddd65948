// IPv4/IPv6 CIDR matching for the `ipRanges` playback claim: the schema checks ranges, the edge matches viewers. Pure; an address is 4 or 16 bytes.

function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((part) => (/^(0|[1-9]\d{0,2})$/.test(part) ? Number(part) : 256));
  return bytes.every((byte) => byte <= 255) ? bytes : null;
}

function parseIPv6(text: string): number[] | null {
  let groupsText = text;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // Embedded IPv4 (::ffff:1.2.3.4): rewrite its tail as two hex groups.
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (!v4) return null;
    groupsText = `${text.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = groupsText.split('::');
  if (halves.length > 2) return null;
  const group = (part: string) => (part === '' ? [] : part.split(':'));
  const left = group(halves[0]!);
  const right = halves.length === 2 ? group(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return null;
  return groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 255]);
}

/** 4 bytes for IPv4, 16 for IPv6; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is its IPv4 address. */
export function parseIp(text: string): number[] | null {
  if (text.length > 64) return null;
  const bytes = text.includes(':') ? parseIPv6(text.replace(/%.*$/, '')) : parseIPv4(text);
  if (bytes?.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255) return bytes.slice(12);
  return bytes;
}

export interface Cidr {
  bytes: number[];
  prefix: number;
}

export function parseCidr(text: string): Cidr | null {
  const [address, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || address === undefined) return null;
  const bytes = address.includes(':') ? parseIPv6(address) : parseIPv4(address);
  if (!bytes) return null;
  const max = bytes.length * 8;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : -1;
  return prefix >= 0 && prefix <= max ? { bytes, prefix } : null;
}

export function cidrContains(cidr: Cidr, ip: number[]): boolean {
  if (cidr.bytes.length !== ip.length) return false;
  const fullBytes = cidr.prefix >> 3;
  for (let i = 0; i < fullBytes; i++) if (cidr.bytes[i] !== ip[i]) return false;
  const restBits = cidr.prefix & 7;
  if (restBits === 0) return true;
  const mask = (0xff << (8 - restBits)) & 0xff;
  return (cidr.bytes[fullBytes]! & mask) === (ip[fullBytes]! & mask);
}

/** Whether `ip` (text) lies in any of `ranges` (CIDR text); an unparseable IP is in none. */
export function ipInRanges(ip: string, ranges: readonly string[]): boolean {
  const address = parseIp(ip);
  if (!address) return false;
  return ranges.some((range) => {
    const cidr = parseCidr(range);
    return cidr !== null && cidrContains(cidr, address);
  });
}
