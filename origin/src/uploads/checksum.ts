import { createHash, type Hash } from 'node:crypto';

/**
 * TUS checksum extension: `Upload-Checksum: <algorithm> <base64 digest>` on a PATCH. The protocol
 * asks for sha1 at least; these are the ones tusd offers too. Advertised in OPTIONS as
 * `Tus-Checksum-Algorithm`.
 */
export const CHECKSUM_ALGORITHMS = ['sha1', 'sha256', 'sha512', 'md5'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { sha1: 20, sha256: 32, sha512: 64, md5: 16 };

export interface ExpectedChecksum {
  algorithm: ChecksumAlgorithm;
  digest: Buffer;
}

/** A header the client got wrong: the protocol answers 400 (unknown algorithm included). */
export type ChecksumHeader = { ok: true; value: ExpectedChecksum | undefined } | { ok: false; message: string };

const isAlgorithm = (name: string): name is ChecksumAlgorithm => (CHECKSUM_ALGORITHMS as readonly string[]).includes(name);

/** Reads an `Upload-Checksum` header (absent → no check). Pure; every refusal says what a good header looks like. */
export function parseUploadChecksum(header: string | null): ChecksumHeader {
  if (header === null) return { ok: true, value: undefined };
  const match = /^\s*([A-Za-z0-9-]+) +([A-Za-z0-9+/]+={0,2})\s*$/.exec(header);
  const example = `e.g. "Upload-Checksum: sha1 ${Buffer.alloc(20).toString('base64')}"`;
  if (!match) return { ok: false, message: `Upload-Checksum must be "<algorithm> <base64 digest>", ${example}` };
  const algorithm = match[1]!.toLowerCase();
  if (!isAlgorithm(algorithm)) return { ok: false, message: `Upload-Checksum algorithm "${match[1]}" is not supported: use one of ${CHECKSUM_ALGORITHMS.join(', ')}` };
  const digest = Buffer.from(match[2]!, 'base64');
  if (digest.length !== DIGEST_BYTES[algorithm]) return { ok: false, message: `Upload-Checksum ${algorithm} digest must be ${DIGEST_BYTES[algorithm]} bytes in base64, got ${digest.length}` };
  return { ok: true, value: { algorithm, digest } };
}

/** The running hash of a PATCH body, for the checksum it announced (undefined: no check, no cost). */
export function checksumHash(expected: ExpectedChecksum | undefined): Hash | undefined {
  return expected && createHash(expected.algorithm);
}

/** Why a body does not match its checksum, in words a client developer can act on (or null when it matches). */
export function checksumMismatch(expected: ExpectedChecksum, actual: Buffer, receivedBytes: number, offset: number): string | null {
  if (actual.equals(expected.digest)) return null;
  return `Upload-Checksum mismatch: the ${expected.algorithm} of the ${receivedBytes} bytes received is ${actual.toString('base64')}, the header says ${expected.digest.toString('base64')}; the chunk was discarded, resume from Upload-Offset ${offset}`;
}
