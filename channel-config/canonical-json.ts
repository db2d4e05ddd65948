/**
 * Canonical JSON in the manner of RFC 8785 (JCS): object keys sorted by UTF-16 code units, no
 * whitespace, numbers in ECMAScript's shortest round-trip form, strings escaped as JSON.stringify
 * does. Two nodes that hold equal JSON values produce the same bytes, so they compute the same hash.
 */

export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot canonicalise the value at ${path || '(root)'}: ${reason}`);
    this.name = 'CanonicalJsonError';
  }
}

const escapePointerSegment = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function write(value: unknown, path: string, out: string[]): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(path, `${value} is not a JSON number (only finite numbers are)`);
      out.push(JSON.stringify(value)); // Number::toString: the shortest form; -0 becomes 0, as JCS says
      return;
    case 'object':
      if (value === null) {
        out.push('null');
        return;
      }
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((item, index) => {
          if (index > 0) out.push(',');
          if (item === undefined) throw new CanonicalJsonError(`${path}/${index}`, 'undefined is not JSON (an array cannot skip it)');
          write(item, `${path}/${index}`, out);
        });
        out.push(']');
        return;
      }
      if (!isPlainObject(value)) throw new CanonicalJsonError(path, `a ${value.constructor?.name ?? 'non-plain'} object is not JSON; convert it to plain data first`);
      writeObject(value, path, out);
      return;
    default:
      throw new CanonicalJsonError(path, `a ${typeof value} is not JSON`);
  }
}

function writeObject(value: Record<string, unknown>, path: string, out: string[]): void {
  // Default sort compares UTF-16 code units, which is exactly JCS's key order.
  const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
  out.push('{');
  keys.forEach((key, index) => {
    if (index > 0) out.push(',');
    out.push(JSON.stringify(key), ':');
    write(value[key], `${path}/${escapePointerSegment(key)}`, out);
  });
  out.push('}');
}

/** The canonical text of a JSON value; throws `CanonicalJsonError` (naming the JSON pointer) for NaN, Infinity, bigint, Dates, Maps… */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, '', out);
  return out.join('');
}

const encoder = new TextEncoder();

/** The canonical UTF-8 bytes of a JSON value (what gets hashed). */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalJson(value));
}
