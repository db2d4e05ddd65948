import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiErrorBody } from '../../../contracts/http.ts';

/** The machine codes of our JSON errors, by HTTP status (one table for the whole origin). */
const codesByStatus: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'too_large',
  415: 'unsupported_media_type',
  422: 'invalid',
  429: 'rate_limited',
  460: 'checksum_mismatch',
  500: 'internal',
};

export function errorCodeFor(status: number): string {
  return codesByStatus[status] ?? (status >= 500 ? 'unavailable' : 'error');
}

export function errorBody(status: number, message: string): ApiErrorBody {
  return { error: { code: errorCodeFor(status), message } };
}

/** Answers `{"error":{"code","message"}}` with `status` (for handlers that return rather than throw). */
export function jsonError(c: Context, status: ContentfulStatusCode, message: string, headers?: Record<string, string>): Response {
  return c.json(errorBody(status, message), status, headers);
}
