// Bad bytes from an encoder are reported as values, never thrown (like hls.js's parsers): the caller logs and drops the stream.

export type Fmp4ErrorCode =
  | 'box-size-invalid'
  | 'box-type-invalid'
  | 'box-too-large'
  | 'init-missing'
  | 'init-invalid'
  | 'init-repeated'
  | 'fragment-invalid'
  | 'mdat-without-moof'
  | 'truncated'
  | 'stream-failed';

export interface Fmp4Error {
  code: Fmp4ErrorCode;
  /** What is wrong and what would fix it, in one sentence. */
  message: string;
  /** Byte offset in the stream of the box at fault (its header), or of the end for `truncated`. */
  offset: number;
}

/** A parse of one complete box: its value, or why it cannot be read. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export const parsed = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const unreadable = (message: string): Parsed<never> => ({ ok: false, message });
