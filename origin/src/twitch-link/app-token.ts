import { z } from 'zod';

export interface AppTokenOptions {
  /** Twitch's OAuth token endpoint (TWITCH_TOKEN_URL; a stand-in in tests). */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** A token is renewed this long before Twitch says it expires (default 60 s). */
  renewBeforeMs?: number;
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

/** An app access token (client-credentials grant), fetched once and reused until shortly before it expires. */
export interface AppTokenSource {
  get(): Promise<string>;
  /** Helix answered 401 with the current token: the next `get` fetches a new one. */
  invalidate(): void;
}

const TokenAnswer = z.looseObject({ access_token: z.string().min(1), expires_in: z.number().positive(), token_type: z.string() });

/**
 * `POST {tokenUrl}` with `client_id`, `client_secret`, `grant_type=client_credentials` (form-encoded, as Twitch
 * documents: https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#client-credentials-grant-flow).
 */
export function appTokenSource(options: AppTokenOptions): AppTokenSource {
  const now = options.now ?? Date.now;
  const renewBeforeMs = options.renewBeforeMs ?? 60_000;
  let held: { token: string; expiresAt: number } | null = null;
  let pending: Promise<string> | null = null;

  async function fetchToken(): Promise<string> {
    const body = new URLSearchParams({ client_id: options.clientId, client_secret: options.clientSecret, grant_type: 'client_credentials' });
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(options.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new Error(`Twitch's token endpoint is not reachable at ${options.tokenUrl}: ${(error as Error).message} (TWITCH_TOKEN_URL sets it)`, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`Twitch refused an app access token (${response.status}: ${text.slice(0, 200)}) — check TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET (the app's credentials at dev.twitch.tv/console)`);
    }
    const parsed = TokenAnswer.safeParse(safeJson(text));
    if (!parsed.success) throw new Error(`Twitch's token endpoint answered ${response.status} without an access_token: ${text.slice(0, 200)}`);
    held = { token: parsed.data.access_token, expiresAt: now() + parsed.data.expires_in * 1000 };
    return held.token;
  }

  return {
    async get() {
      if (held && now() < held.expiresAt - renewBeforeMs) return held.token;
      // One request for every caller waiting at once.
      pending ??= fetchToken().finally(() => (pending = null));
      return pending;
    },
    invalidate() {
      held = null;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
