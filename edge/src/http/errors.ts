import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { errorBody, errorCodeFor } from '../../../contracts/http.ts';
import type { EdgeApp } from '../env.ts';

/** A refusal with a stable machine code; `app.onError` turns it into `{error:{code,message}}`. */
export class EdgeError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(status, { message });
  }
}

export const handleError: ErrorHandler<EdgeApp> = (error, c) => {
  if (error instanceof EdgeError) {
    return c.json(errorBody(error.code, error.message), error.status, error.headers);
  }
  // Hono's own refusals (a body limit, malformed JSON) carry only a status: the shared table names them.
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    return c.json(errorBody(errorCodeFor(status), error.message || 'request refused'), status);
  }
  // Unexpected: log the cause for operators, never send a stack trace to the client.
  console.error(JSON.stringify({ event: 'edge.unhandled_error', method: c.req.method, path: c.req.path, message: String(error) }));
  return c.json(errorBody('internal', 'the edge failed to handle this request; the worker log has the cause'), 500);
};

export const handleNotFound: NotFoundHandler<EdgeApp> = (c) =>
  c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404);
