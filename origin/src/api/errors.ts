import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import { errorBody, errorCodeFor } from '../../../contracts/http.ts';

export interface ApiErrorOptions {
  /** The machine code; by default the status's, from the one table in contracts/http.ts. */
  code?: string;
  headers?: Record<string, string>;
  /** Members beside `error` that let a client act on the refusal (the latest hash of a conflict, the path of an invalid field). */
  fields?: Record<string, unknown>;
}

/**
 * A refusal, thrown by a handler: `{"error":{"code","message"}}` with `status`. It renders itself
 * (`getResponse`), so it answers in our shape under any Hono app, not only the origin's `onError`.
 */
export class ApiError extends HTTPException {
  readonly code: string;
  readonly headers: Record<string, string>;
  readonly fields: Record<string, unknown>;

  constructor(status: ContentfulStatusCode, message: string, options: ApiErrorOptions = {}) {
    super(status, { message });
    this.code = options.code ?? errorCodeFor(status);
    this.headers = options.headers ?? {};
    this.fields = options.fields ?? {};
  }

  override getResponse(): Response {
    return errorResponse(this);
  }
}

/** The JSON answer of a thrown HTTPException: an ApiError as it says, one of Hono's own (body limit, bad JSON) by its status. */
export function errorResponse(error: HTTPException, extraHeaders: Record<string, string> = {}): Response {
  const refusal = error instanceof ApiError ? error : new ApiError(error.status as ContentfulStatusCode, error.message);
  const body = { ...errorBody(refusal.code, refusal.message), ...refusal.fields };
  return Response.json(body, { status: refusal.status, headers: { ...extraHeaders, ...refusal.headers } });
}

/**
 * One `onError` for the origin's apps: refusals answer as thrown; anything else is logged as `event`
 * and answers a 500 that points at the log (never a stack trace).
 */
export function handleApiErrors(log: Logger, options: { event: string; headers?: Record<string, string> }): ErrorHandler {
  return (error: Error, c: Context) => {
    if (error instanceof HTTPException) return errorResponse(error, options.headers);
    log.error({ event: options.event, err: error, path: c.req.path }, 'request failed');
    return errorResponse(new ApiError(500, 'internal error; the origin log has the details'), options.headers);
  };
}
