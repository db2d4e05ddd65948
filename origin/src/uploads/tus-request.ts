import { CHECKSUM_ALGORITHMS } from './checksum.ts';

/**
 * What the TUS route fixes before @tus/server sees a request, where tus and other servers (tusd)
 * disagree, and what it adds to the answer. Pure over headers; the request is rebuilt only when needed.
 */

export const TUS_CONTENT_TYPE = 'application/offset+octet-stream';

type NodeRuntime = { name: 'node'; node: { req: unknown; res: unknown } };
const runtimeOf = (request: Request) => (request as { runtime?: NodeRuntime }).runtime;

/** A refusal the protocol asks for, in TUS's own plain-text form (routes.ts turns it into JSON). */
export interface TusRefusal {
  status: 415;
  message: string;
}

/** PATCH must carry `Content-Type: application/offset+octet-stream`; anything else is 415 (as tusd answers). */
export function contentTypeRefusal(method: string, contentType: string | null): TusRefusal | null {
  if (method !== 'PATCH' || contentType === TUS_CONTENT_TYPE) return null;
  const given = contentType === null ? 'no Content-Type' : `Content-Type "${contentType}"`;
  return { status: 415, message: `a TUS PATCH must have Content-Type: ${TUS_CONTENT_TYPE}, this one has ${given}` };
}

/**
 * Headers as tus should read them: an empty `Upload-Metadata` (clients send one when there is no
 * metadata; tusd accepts it) means no metadata, where @tus/server would answer 400. Null: unchanged.
 */
export function normalisedHeaders(headers: Headers): Headers | null {
  const metadata = headers.get('upload-metadata');
  if (metadata === null || metadata.trim() !== '') return null;
  const fixed = new Headers(headers);
  fixed.delete('upload-metadata');
  return fixed;
}

/**
 * The request handed to @tus/server. On Node, a PATCH or POST goes without a body of its own: the
 * body handlers (direct-body.ts) read the Node request from `runtime`, skipping the stream bridges.
 */
export function tusRequestOf(request: Request): Request {
  const runtime = runtimeOf(request);
  const headers = normalisedHeaders(request.headers);
  const readsSocket = runtime?.node !== undefined && (request.method === 'PATCH' || request.method === 'POST');
  if (!readsSocket && !headers) return request;
  const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers: headers ?? request.headers };
  if (!readsSocket && request.body) Object.assign(init, { body: request.body, duplex: 'half' });
  const rebuilt = new Request(request.url, init);
  if (runtime) Object.defineProperty(rebuilt, 'runtime', { value: runtime, configurable: true });
  return rebuilt;
}

/** Headers the answer gains: OPTIONS names the checksum algorithms (checksum extension). */
export function answerHeaders(method: string): Record<string, string> {
  return method === 'OPTIONS' ? { 'Tus-Checksum-Algorithm': CHECKSUM_ALGORITHMS.join(',') } : {};
}
