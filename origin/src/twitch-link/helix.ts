import { z } from 'zod';
import { createEventSubSubscription, HelixError, readHelixMessage, type EventSubSubscription } from '../webhooks/helix-subscriptions.ts';
import type { AppTokenSource } from './app-token.ts';

export interface HelixClientOptions {
  /** TWITCH_HELIX_URL (https://api.twitch.tv/helix; a stand-in in tests). */
  helixUrl: string;
  clientId: string;
  tokens: AppTokenSource;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface TwitchUser {
  id: string;
  login: string;
  displayName: string;
}

export interface SubscriptionFilter {
  type?: string;
  status?: string;
  /** Subscriptions whose condition names this user (Helix's `user_id`). */
  userId?: string;
}

const Users = z.looseObject({ data: z.array(z.looseObject({ id: z.string().min(1), login: z.string(), display_name: z.string() })) });
const Listed = z.looseObject({
  data: z.array(z.looseObject({ id: z.string(), status: z.string(), type: z.string(), version: z.string(), condition: z.record(z.string(), z.unknown()), created_at: z.string(), transport: z.looseObject({ method: z.string(), callback: z.string().optional() }) })),
  pagination: z.looseObject({ cursor: z.string().optional() }).optional(),
});
export type ListedSubscription = z.infer<typeof Listed>['data'][number];

/** The Helix calls a Twitch link makes, with the app access token (renewed once on a 401). */
export function helixClient(options: HelixClientOptions) {
  const base = options.helixUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;

  /** One call; a 401 renews the app token and tries once more (Twitch expires them, and revokes them on a secret change). */
  async function call(method: string, path: string, what: string): Promise<{ status: number; text: string }> {
    for (let attempt = 1; ; attempt += 1) {
      const token = await options.tokens.get();
      let response: Response;
      try {
        response = await doFetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'client-id': options.clientId }, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      } catch (error) {
        throw new Error(`Twitch Helix is not reachable at ${base}: ${(error as Error).message} (TWITCH_HELIX_URL sets the base URL)`, { cause: error });
      }
      const text = await response.text();
      if (response.status === 401 && attempt === 1) {
        options.tokens.invalidate();
        continue;
      }
      if (!response.ok && response.status !== 404) {
        const said = readHelixMessage(text);
        throw new HelixError(response.status, `Twitch refused to ${what} (${response.status}${said ? `: ${said}` : ''})`);
      }
      return { status: response.status, text };
    }
  }

  return {
    /** `GET /users?login=`: the broadcaster behind a login, or null when Twitch knows no such user. */
    async userByLogin(login: string): Promise<TwitchUser | null> {
      const { status, text } = await call('GET', `/users?login=${encodeURIComponent(login)}`, `look up the user ${login}`);
      if (status === 404) return null;
      const parsed = Users.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(`Twitch answered GET /users with an unexpected body: ${text.slice(0, 200)}`);
      const user = parsed.data.data[0];
      return user ? { id: user.id, login: user.login, displayName: user.display_name } : null;
    },

    /** `POST /eventsub/subscriptions` (webhook transport); a 401 renews the token once. */
    async createSubscription(input: { type: string; version: string; condition: Record<string, string>; callback: string; secret: string }): Promise<EventSubSubscription> {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await createEventSubSubscription({ ...input, helixUrl: base, clientId: options.clientId, appToken: await options.tokens.get(), timeoutMs: options.timeoutMs, fetch: options.fetch });
        } catch (error) {
          if (error instanceof HelixError && error.status === 401 && attempt === 1) {
            options.tokens.invalidate();
            continue;
          }
          throw error;
        }
      }
    },

    /** `GET /eventsub/subscriptions` with Helix's filters, following `pagination.cursor` (bounded). */
    async listSubscriptions(filter: SubscriptionFilter = {}): Promise<ListedSubscription[]> {
      const found: ListedSubscription[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page += 1) {
        const query = new URLSearchParams({
          ...(filter.type ? { type: filter.type } : {}),
          ...(filter.status ? { status: filter.status } : {}),
          ...(filter.userId ? { user_id: filter.userId } : {}),
          ...(cursor ? { after: cursor } : {}),
        });
        const { text } = await call('GET', `/eventsub/subscriptions${query.size ? `?${query}` : ''}`, 'list EventSub subscriptions');
        const parsed = Listed.safeParse(JSON.parse(text));
        if (!parsed.success) throw new Error(`Twitch answered GET /eventsub/subscriptions with an unexpected body: ${text.slice(0, 200)}`);
        found.push(...parsed.data.data);
        cursor = parsed.data.pagination?.cursor;
        if (!cursor) break;
      }
      return found;
    },

    /** `DELETE /eventsub/subscriptions?id=`: true when deleted now, false when Twitch had no such subscription (gone already). */
    async deleteSubscription(id: string): Promise<boolean> {
      const { status } = await call('DELETE', `/eventsub/subscriptions?id=${encodeURIComponent(id)}`, `delete subscription ${id}`);
      return status !== 404;
    },
  };
}

export type HelixClient = ReturnType<typeof helixClient>;
