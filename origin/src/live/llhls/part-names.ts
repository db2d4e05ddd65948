// Names of a rendition's live files. Each names one immutable object, so caches and the edge rewrite treat them as ordinary files.

export type LiveMediaName =
  | { kind: 'segment'; msn: number }
  | { kind: 'part'; msn: number; index: number }
  | { kind: 'init'; msn: number };

// Five digits like the VOD ladder's seg_%05d; more as the number grows (a 2 s segment reaches 100000 after 55 h).
const pad = (n: number) => String(n).padStart(5, '0');

/** `seg_00012.m4s`: the whole segment, written once to MinIO when it completes. */
export const segmentName = (msn: number) => `seg_${pad(msn)}.m4s`;

/** `seg_00012.part3.m4s`: part 3 (0-based, the RFC's Part Index) of segment 12. */
export const partName = (msn: number, index: number) => `seg_${pad(msn)}.part${index}.m4s`;

/** `init_00012.mp4`: the init segment of the encoder run whose first segment is 12 (a new one after each reconnect). */
export const initName = (firstMsn: number) => `init_${pad(firstMsn)}.mp4`;

const pattern = /^(seg|init)_(\d{5,9})(?:\.part(\d{1,4}))?\.(m4s|mp4)$/;

/** The file a name stands for, or null for anything that is not exactly one of the names above. */
export function parseLiveMediaName(name: string): LiveMediaName | null {
  const match = pattern.exec(name);
  if (!match) return null;
  const [, stem, digits, part, extension] = match;
  const msn = Number(digits);
  // Exactly one spelling per file: no extra leading zeros, so one object never has two cache keys.
  if (digits !== pad(msn)) return null;
  if (stem === 'init') return extension === 'mp4' && part === undefined ? { kind: 'init', msn } : null;
  if (extension !== 'm4s') return null;
  if (part === undefined) return { kind: 'segment', msn };
  const index = Number(part);
  return String(index) === part ? { kind: 'part', msn, index } : null;
}
