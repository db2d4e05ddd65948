import type { CliConfig } from './config.ts';
import { requireApiToken } from './config.ts';
import { CliError, isUnreachable, unreachableMessage } from './errors.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** An answer that is not 2xx, with the API's `{"error":{"code","message"}}` when it sent one. */
export class ApiError extends CliError {
  constructor(readonly status: number, readonly code: string, readonly serverMessage: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Reads the error body of any answer: JSON in our shape, else the first line of text. */
export function parseErrorBody(status: number, text: string): { code: string; message: string } {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (body.error && typeof body.error.message === 'string') return { code: String(body.error.code ?? 'error'), message: body.error.message };
  } catch {
    // not JSON: a proxy or an older server; its text is still the best we have
  }
  return { code: 'error', message: text.trim().split('\n')[0] || `HTTP ${status}` };
}

/** Pure: the one line an operator reads for a refused request. */
export function apiErrorMessage(target: string, status: number, serverMessage: string, tokenHint: string): string {
  if (status === 401) return `${target} refused the token (401: ${serverMessage}) — ${tokenHint}`;
  if (status === 404) return serverMessage;
  if (status >= 500) return `${target} failed (${status}: ${serverMessage}) — its log has the details`;
  return `${target} answered ${status}: ${serverMessage}`;
}

export interface JsonClient {
  readonly baseUrl: string;
  request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T>;
  /** A raw body (a caption file) with its Content-Type; the answer is JSON as for `request`. */
  send<T>(method: HttpMethod, path: string, body: string, contentType: string): Promise<T>;
}

interface ClientOptions {
  baseUrl: string;
  token: string;
  /** "the origin", "the edge": named in errors. */
  name: string;
  tokenHint: string;
  timeoutMs?: number;
}

/** JSON over HTTP with a bearer token; every failure becomes an operator-readable CliError. */
export function jsonClient(options: ClientOptions): JsonClient {
  const { baseUrl, name } = options;
  const call = async <T>(method: HttpMethod, path: string, body: string | undefined, contentType: string | undefined): Promise<T> => {
      const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, accept: 'application/json' };
      if (contentType !== undefined) headers['content-type'] = contentType;
      let response: Response;
      try {
        response = await fetch(`${baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
      } catch (error) {
        if (isUnreachable(error)) throw new CliError(unreachableMessage(name, baseUrl), 1, { cause: error });
        throw new CliError(`request to ${name} failed: ${(error as Error).message}`, 1, { cause: error });
      }
      const text = await response.text();
      if (!response.ok) {
        const parsed = parseErrorBody(response.status, text);
        throw new ApiError(response.status, parsed.code, parsed.message, apiErrorMessage(name, response.status, parsed.message, options.tokenHint));
      }
      try {
        return (text ? JSON.parse(text) : {}) as T;
      } catch {
        throw new CliError(`${name} at ${baseUrl} answered ${method} ${path} with something that is not JSON — is VORA_ORIGIN_URL / VORA_EDGE_URL pointing at the right server?`);
      }
  };
  return {
    baseUrl,
    request: (method, path, body) => call(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? undefined : 'application/json'),
    send: (method, path, body, contentType) => call(method, path, body, contentType),
  };
}

/** The operator API (`/v1`) with the API token. */
export function originClient(config: CliConfig): JsonClient {
  return jsonClient({
    baseUrl: config.originUrl,
    token: requireApiToken(config),
    name: 'the origin',
    tokenHint: 'set VORA_API_TOKEN to a valid API token (the local stack\'s is `apiToken` in .vora/secrets.json)',
  });
}
