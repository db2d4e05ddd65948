/**
 * LL-HLS delivery directives on a media playlist URL (RFC 8216bis §6.2.5): `_HLS_msn` and `_HLS_part` ask for a
 * blocking reload. The edge checks their form, forwards them (and nothing else of the viewer's query) to the
 * origin, which holds the request until that part exists. `_HLS_skip` asks for a delta update, which Vora never
 * advertises (no CAN-SKIP-UNTIL): it is dropped, as the RFC lets a server that does not offer it. Pure.
 */
export type DeliveryDirectives =
  | { ok: true; blocking: false }
  | { ok: true; blocking: true; msn: number; part?: number; /** `_HLS_msn=…[&_HLS_part=…]`, in that order. */ query: string }
  | { ok: false; message: string };

// A decimal-integer (RFC 8216 §4.2) small enough to be exact; media sequence numbers never come near it.
const DECIMAL_INTEGER = /^\d{1,15}$/;

function directive(params: URLSearchParams, name: string): { value?: number } | { error: string } {
  const values = params.getAll(name);
  if (values.length === 0) return {};
  if (values.length > 1) return { error: `${name} is given ${values.length} times; give it once` };
  if (!DECIMAL_INTEGER.test(values[0]!)) return { error: `${name} must be a non-negative decimal integer, got ${JSON.stringify(values[0]!.slice(0, 32))}` };
  return { value: Number(values[0]) };
}

export function deliveryDirectives(params: URLSearchParams): DeliveryDirectives {
  const msn = directive(params, '_HLS_msn');
  if ('error' in msn) return { ok: false, message: msn.error };
  const part = directive(params, '_HLS_part');
  if ('error' in part) return { ok: false, message: part.error };
  if (part.value !== undefined && msn.value === undefined) return { ok: false, message: '_HLS_part needs _HLS_msn (the segment the part belongs to)' };
  if (msn.value === undefined) return { ok: true, blocking: false };
  const query = `_HLS_msn=${msn.value}${part.value === undefined ? '' : `&_HLS_part=${part.value}`}`;
  return { ok: true, blocking: true, msn: msn.value, ...(part.value === undefined ? {} : { part: part.value }), query };
}
