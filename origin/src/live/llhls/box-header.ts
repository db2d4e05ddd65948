// ISO-BMFF box headers (ISO/IEC 14496-12 §4.2): 32-bit size + type, or size 1 + 64-bit largesize. Pure.

export interface BoxHeader {
  type: string;
  /** Whole box, header included. */
  size: number;
  headerSize: 8 | 16;
}

export type HeaderRead =
  | { kind: 'header'; header: BoxHeader }
  | { kind: 'need-more'; bytes: 8 | 16 }
  | { kind: 'bad'; code: 'box-size-invalid' | 'box-type-invalid'; message: string };

/** A type is four printable ASCII characters at every level read here (`moof`, `trak`, `mdat`…); anything else means lost sync. */
function typeOf(bytes: Uint8Array, at: number): string | null {
  let type = '';
  for (let i = at; i < at + 4; i++) {
    const c = bytes[i]!;
    if (c < 0x20 || c > 0x7e) return null;
    type += String.fromCharCode(c);
  }
  return type;
}

/**
 * Reads the header at `at` within `bytes[at..end)`. Size 0 ("to the end of the file") is refused: a live
 * stream has no end to measure against. Sizes beyond 2^53 cannot be real and are refused too.
 */
export function readBoxHeader(bytes: Uint8Array, at: number, end: number): HeaderRead {
  if (end - at < 8) return { kind: 'need-more', bytes: 8 };
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, end - at);
  const size32 = view.getUint32(0);
  const type = typeOf(bytes, at + 4);
  if (type === null) {
    const hex = Array.from(bytes.subarray(at + 4, at + 8), (b) => b.toString(16).padStart(2, '0')).join('');
    return { kind: 'bad', code: 'box-type-invalid', message: `box type 0x${hex} is not four printable characters: the bytes are not an MP4 box stream (or lost sync)` };
  }
  if (size32 === 0) return { kind: 'bad', code: 'box-size-invalid', message: `box "${type}" has size 0 (runs to end of file), which a live stream cannot use` };
  if (size32 !== 1) {
    if (size32 < 8) return { kind: 'bad', code: 'box-size-invalid', message: `box "${type}" declares ${size32} bytes, less than its own 8-byte header` };
    return { kind: 'header', header: { type, size: size32, headerSize: 8 } };
  }
  if (end - at < 16) return { kind: 'need-more', bytes: 16 };
  const high = view.getUint32(8);
  const low = view.getUint32(12);
  if (high >= 0x200000) return { kind: 'bad', code: 'box-size-invalid', message: `box "${type}" declares a 64-bit size of 2^53 bytes or more` };
  const size = high * 2 ** 32 + low;
  if (size < 16) return { kind: 'bad', code: 'box-size-invalid', message: `box "${type}" declares ${size} bytes, less than its own 16-byte header` };
  return { kind: 'header', header: { type, size, headerSize: 16 } };
}

/** A child box inside a complete parent: where its body starts and ends in the parent's bytes. */
export interface ChildBox {
  type: string;
  start: number;
  bodyStart: number;
  end: number;
}

/** The children of a complete box body `bytes[start..end)`, or why they do not tile it exactly. */
export function childBoxes(bytes: Uint8Array, start: number, end: number): { ok: true; boxes: ChildBox[] } | { ok: false; message: string } {
  const boxes: ChildBox[] = [];
  let at = start;
  while (at < end) {
    const read = readBoxHeader(bytes, at, end);
    if (read.kind === 'need-more') return { ok: false, message: `${end - at} stray bytes where a child box header was expected` };
    if (read.kind === 'bad') return { ok: false, message: read.message };
    const { header } = read;
    if (at + header.size > end) return { ok: false, message: `child box "${header.type}" (${header.size} bytes) runs past the end of its parent` };
    boxes.push({ type: header.type, start: at, bodyStart: at + header.headerSize, end: at + header.size });
    at += header.size;
  }
  return { ok: true, boxes };
}

/** A DataView over a box body, so field offsets are relative to the body. */
export const bodyView = (bytes: Uint8Array, box: ChildBox) => new DataView(bytes.buffer, bytes.byteOffset + box.bodyStart, box.end - box.bodyStart);
