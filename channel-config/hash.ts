import { canonicalBytes } from './canonical-json.ts';

function toHex(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** SHA-256 of bytes (or of a string's UTF-8), as 64 lowercase hex digits. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  // Web Crypto: a global in Workers and in Node 20, so one file serves the edge and the origin.
  return toHex(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
}

/** SHA-256 of a JSON value's canonical bytes: equal values give equal hashes on every node. */
export function hashCanonical(value: unknown): Promise<string> {
  return sha256Hex(canonicalBytes(value));
}
