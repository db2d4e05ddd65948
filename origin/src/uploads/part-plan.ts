/**
 * The pure rules of the streaming store (streaming-s3-store.ts): which S3 parts hold the upload's
 * bytes, how big a part is, and where the bytes left at the end of a PATCH go.
 */

export interface ListedPart {
  PartNumber?: number;
  Size?: number;
  ETag?: string;
}

export interface CountedPart {
  PartNumber: number;
  Size: number;
  ETag: string;
}

/**
 * The parts that count towards the offset: the unbroken run 1, 2, 3… below `voidFrom`. Parts at or
 * past `voidFrom` hold a chunk that was discarded (checksum mismatch) and parts after a gap were
 * stored out of order by a PATCH that failed midway: both are overwritten by the next PATCH.
 */
export function countedParts(listed: ListedPart[], voidFrom: number | undefined): CountedPart[] {
  const byNumber = new Map(listed.filter((part) => part.PartNumber !== undefined).map((part) => [part.PartNumber!, part]));
  const counted: CountedPart[] = [];
  for (let number = 1; voidFrom === undefined || number < voidFrom; number += 1) {
    const part = byNumber.get(number);
    if (!part) break;
    counted.push({ PartNumber: number, Size: part.Size ?? 0, ETag: part.ETag ?? '' });
  }
  return counted;
}

export const sumOfSizes = (parts: { Size: number }[]) => parts.reduce((sum, part) => sum + part.Size, 0);

/**
 * The part number from which stored parts must be ignored once a PATCH has written parts below
 * `nextPart`, or undefined when nothing stale lies beyond (the marker can go).
 */
export function voidFromAfter(listed: ListedPart[], nextPart: number): number | undefined {
  return listed.some((part) => (part.PartNumber ?? 0) >= nextPart) ? nextPart : undefined;
}

export interface PartSizing {
  /** What we would like (8 MiB: a part is held in memory while it uploads). */
  preferred: number;
  /** S3's floor for every part but the last (5 MiB). */
  min: number;
  /** S3's ceiling on the number of parts (10,000). */
  maxParts: number;
}

/**
 * Part size for an upload of `size` bytes (the size limit when the length is deferred): the
 * preferred size unless the parts would not fit into `maxParts`. Unlike @tus/s3-store we never
 * assume 5 TiB for a deferred length: parts are memory here, so 550 MB parts are not an option.
 */
export function partSizeFor(size: number, sizing: PartSizing): number {
  const spread = Math.ceil(size / sizing.maxParts);
  return Math.max(sizing.preferred, spread, sizing.min);
}

/** Where the bytes still held at the end of a PATCH go. */
export type RemainderPlace = 'nothing' | 'last-part' | 'part' | 'tail';

/**
 * `final`: the upload is whole after these bytes, so they are its last part (S3 allows a small
 * last part). Otherwise ≥ `minPart` bytes are a part of their own, and fewer wait in the `.part`
 * object (the tail) for the next PATCH.
 */
export function placeRemainder(bytes: number, final: boolean, minPart: number, partsSoFar: number): RemainderPlace {
  if (final) return bytes > 0 || partsSoFar === 0 ? 'last-part' : 'nothing';
  if (bytes === 0) return 'nothing';
  return bytes >= minPart ? 'part' : 'tail';
}
