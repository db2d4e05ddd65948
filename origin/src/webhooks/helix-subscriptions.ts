import { z } from 'zod';

export interface CreateEventSubSubscriptionInput {
  /** Helix base URL (TWITCH_HELIX_URL); a fake server in tests, `twitch mock-api` locally. */
  helixUrl: string;
  clientId: string;
  /** An app access token (client-credentials grant) of that client id. */
  appToken: string;
  /** e.g. `stream.online`. */
  type: string;
  /** e.g. `1` (`channel.follow` is `2`). */
  version: string;
  /** e.g. `{ broadcaster_user_id: '1234' }`. */
  condition: Record<string, string>;
  /** Public HTTPS URL of `POST /v1/webhooks/twitch` (Twitch requires port 443). */
  callback: string;
  /** 10-100 ASCII characters; the webhook verifies signatures with it (TWITCH_EVENTSUB_SECRET). */
  secret: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const CreatedSubscription = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  type: z.string(),
  version: z.string(),
  condition: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  cost: z.number().optional(),
});
const CreateResponse = z.looseObject({ data: z.array(CreatedSubscription).min(1) });

export interface EventSubSubscription {
  id: string;
  /** `webhook_callback_verification_pending` until the webhook answers Twitch's challenge. */
  status: string;
  type: string;
  version: string;
  condition: Record<string, unknown>;
  createdAt: string;
  cost?: number;
}

/** A refusal from Helix, with its HTTP status (401: renew the app token; 409: the subscription exists already). */
export class HelixError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HelixError';
  }
}

/** What Helix says, by status, about a refused creation. */
const helixFixes: Record<number, string> = {
  400: 'check type, version, condition and the callback URL (HTTPS on port 443)',
  401: 'the app token or client id is wrong or expired: fetch a new app access token for TWITCH_CLIENT_ID',
  403: 'the broadcaster has not authorised the scopes this subscription type needs',
  409: 'a subscription with this type, version, condition and callback already exists',
  429: 'too many requests or subscriptions: wait, or delete subscriptions you no longer need',
};

/** `POST {helixUrl}/eventsub/subscriptions` with the webhook transport; Twitch answers 202 and then sends the challenge. */
export async function createEventSubSubscription(input: CreateEventSubSubscriptionInput): Promise<EventSubSubscription> {
  if (!/^[\x21-\x7e]{10,100}$/.test(input.secret)) throw new Error('the EventSub secret must be 10-100 printable ASCII characters (Twitch refuses others)');
  const url = `${input.helixUrl.replace(/\/+$/, '')}/eventsub/subscriptions`;
  const body = { type: input.type, version: input.version, condition: input.condition, transport: { method: 'webhook', callback: input.callback, secret: input.secret } };
  let response: Response;
  try {
    response = await (input.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${input.appToken}`, 'client-id': input.clientId, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(input.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new Error(`Twitch Helix is not reachable at ${url}: ${(error as Error).message} (TWITCH_HELIX_URL sets the base URL)`, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) {
    const said = readHelixMessage(text);
    const fix = helixFixes[response.status] ?? 'see https://dev.twitch.tv/docs/api/reference#create-eventsub-subscription';
    throw new HelixError(response.status, `Twitch refused the ${input.type} subscription (${response.status}${said ? `: ${said}` : ''}) — ${fix}`);
  }
  let parsed: z.infer<typeof CreateResponse>;
  try {
    parsed = CreateResponse.parse(JSON.parse(text));
  } catch (error) {
    throw new Error(`Twitch answered ${response.status} with an unexpected body (${text.slice(0, 200)}): ${(error as Error).message}`, { cause: error });
  }
  const created = parsed.data[0]!;
  return { id: created.id, status: created.status, type: created.type, version: created.version, condition: created.condition, createdAt: created.created_at, cost: created.cost };
}

export function readHelixMessage(text: string): string | undefined {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    return typeof message === 'string' ? message.slice(0, 300) : undefined;
  } catch {
    return text.slice(0, 200) || undefined;
  }
}
