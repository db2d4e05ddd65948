// The capture-time stamp of live-glass-to-glass: the publisher draws the wall clock into every frame as two rows of
// white/black boxes, the player page reads the boxes' luminance back, and the difference to the page's clock is the
// glass-to-glass latency. Pure: the FFmpeg filter text, where the boxes sit, and the decoder.

/** Milliseconds of wall clock are stamped modulo 2^24 (4.6 h): far more than any latency, so the difference is unambiguous. */
export const STAMP_BITS = 24;
export const STAMP_MODULUS = 2 ** STAMP_BITS;

/**
 * Where the boxes are on the 1280x720 source: 40-px boxes on a 52-px pitch, two identical rows on a black strip.
 * At 360p a box is still 20 px wide, which x264 at the ladder's bitrates keeps clearly white or black.
 */
export const STAMP_LAYOUT = { width: 1280, height: 720, box: 40, pitch: 52, left: 16, rowTops: [12, 64], stripHeight: 116 } as const;

/** Gray code: neighbouring values differ in one bit, so boxes drawn while the millisecond turns read as one or the other. */
export const grayOf = (n: number): number => (n ^ (n >>> 1)) >>> 0;

export function fromGray(gray: number): number {
  let n = 0;
  for (let g = gray >>> 0; g !== 0; g >>>= 1) n ^= g;
  return n >>> 0;
}

/**
 * FFmpeg's filter text: the black strip, then one box per bit and row, white while bit i of the Gray code of the
 * wall-clock millisecond (libavutil's `time(0)`, evaluated as the frame passes the filter, i.e. when `-re` lets the
 * source make it) is set. The Gray code's bit i is bit i of n XOR bit i+1 of n: the parity of ⌊n/2^i⌋ + ⌊n/2^(i+1)⌋.
 */
export function stampFilter(): string {
  const { width, box, pitch, left, rowTops, stripHeight } = STAMP_LAYOUT;
  const ms = `mod(floor(time(0)*1000),${STAMP_MODULUS})`;
  const boxes = rowTops.flatMap((top) =>
    Array.from({ length: STAMP_BITS }, (_, i) => {
      const bit = `eq(mod(floor(${ms}/${2 ** i})+floor(${ms}/${2 ** (i + 1)}),2),1)`;
      return `drawbox=x=${left + i * pitch}:y=${top}:w=${box}:h=${box}:color=white:t=fill:enable='${bit}'`;
    }),
  );
  return [`drawbox=x=0:y=0:w=${width}:h=${stripHeight}:color=black:t=fill`, ...boxes].join(',');
}

/** The centre of each box as fractions of the frame (row by row, bit 0 first): the page scales them to whatever rendition plays. */
export function boxCentres(): Array<[number, number]> {
  const { width, height, box, pitch, left, rowTops } = STAMP_LAYOUT;
  return rowTops.flatMap((top) => Array.from({ length: STAMP_BITS }, (_, i): [number, number] => [(left + i * pitch + box / 2) / width, (top + box / 2) / height]));
}

/** Luminance (0–255) above this is a white box, below `DARK` a black one; anything between is unreadable. */
const LIGHT = 160;
const DARK = 96;

/**
 * The stamp (ms modulo 2^24) from the luminance at each box centre (`boxCentres()` order), or null when a box is
 * neither clearly white nor black or the two rows disagree by more than the millisecond one may turn in.
 */
export function decodeStamp(lumas: readonly number[]): number | null {
  if (lumas.length !== 2 * STAMP_BITS) return null;
  const rows: number[] = [];
  for (let row = 0; row < 2; row += 1) {
    let gray = 0;
    for (let i = 0; i < STAMP_BITS; i += 1) {
      const luma = lumas[row * STAMP_BITS + i]!;
      if (luma >= LIGHT) gray += 2 ** i;
      else if (luma > DARK) return null;
    }
    rows.push(fromGray(gray));
  }
  return stampDistance(rows[0]!, rows[1]!) <= 1 ? rows[0]! : null;
}

/** How far a later stamp is past an earlier one, modulo the wrap. */
export const stampDistance = (earlier: number, later: number): number => (((later - earlier) % STAMP_MODULUS) + STAMP_MODULUS) % STAMP_MODULUS;

/** Glass-to-glass: the page's clock when the frame was shown minus the clock stamped at capture (both this machine's wall clock). */
export const glassToGlassMs = (shownAtMs: number, stamp: number): number => stampDistance(stamp, shownAtMs % STAMP_MODULUS);

/** The stamp the publisher would draw at `atMs` (what the unit test and the self-check encode). */
export const stampAt = (atMs: number): number => Math.floor(atMs) % STAMP_MODULUS;

/** The luminance a perfect reading of `stamp` gives (both rows), for tests. */
export function lumasOf(stamp: number, white = 235, black = 16): number[] {
  const gray = grayOf(stamp);
  const row = Array.from({ length: STAMP_BITS }, (_, i) => (Math.floor(gray / 2 ** i) % 2 === 1 ? white : black));
  return [...row, ...row];
}
