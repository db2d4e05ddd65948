/** HTTP preconditions and ranges, reduced to what the media store understands. Pure. */

const entityTagPattern = /^(W\/)?"[\x21\x23-\x7e]*"$/;

/**
 * The entity tag to forward to storage as If-None-Match, strong form (weak comparison, RFC 9110 §13.1.2),
 * or null when the header is absent, malformed, `*` or a list: serving the full object is then always correct.
 */
export function singleEntityTag(header: string | undefined): string | null {
  const value = header?.trim();
  if (!value || !entityTagPattern.test(value)) return null;
  return value.startsWith('W/') ? value.slice(2) : value;
}

/** Weak comparison of an If-None-Match header (`*`, one tag or a list) with the current entity tag. */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => strip(tag) === strip(etag));
}

const singleRangePattern = /^bytes=(\d{1,15}-\d{0,15}|-\d{1,15})$/;

/**
 * The Range header to forward to storage, or null to serve the whole object: RFC 9110 §14.2 lets a
 * server ignore a Range it does not support, so multi-range and malformed headers get a plain 200.
 */
export function singleByteRange(header: string | undefined): string | null {
  const value = header?.replace(/\s+/g, '');
  if (!value || !singleRangePattern.test(value)) return null;
  const [first, last] = value.slice('bytes='.length).split('-');
  if (first !== '' && last !== '' && Number(last) < Number(first)) return null;
  return value;
}
