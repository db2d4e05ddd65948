import { z } from 'zod';
import { ChannelEvent } from '../../../contracts/channel-events.ts';
import { describeIssues } from '../../../contracts/issues.ts';

/** The `subscription` object Twitch sends with every message (only the fields we read are checked). */
export const TwitchSubscription = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  version: z.string().min(1),
  status: z.string().optional(),
  condition: z.record(z.string(), z.unknown()).default({}),
});
export type TwitchSubscription = z.infer<typeof TwitchSubscription>;

export const TwitchChallengeBody = z.looseObject({ challenge: z.string().min(1), subscription: TwitchSubscription });
export const TwitchRevocationBody = z.looseObject({ subscription: TwitchSubscription });
export const TwitchNotificationBody = z.looseObject({ subscription: TwitchSubscription, event: z.record(z.string(), z.unknown()) });
export type TwitchNotificationBody = z.infer<typeof TwitchNotificationBody>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** JSON.parse + schema, as a value (a webhook body is untrusted input). */
export function parseTwitchBody<T>(schema: z.ZodType<T>, rawBody: Uint8Array): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody));
  } catch {
    return { ok: false, reason: 'the body is not UTF-8 JSON' };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: `unexpected body: ${describeIssues(parsed.error)}` };
}

/**
 * Whose channel an event is about. Most types carry `broadcaster_user_id`; raids name the receiving
 * side; the subscription condition is the fallback (it is what the subscription was created for).
 */
export function broadcasterIdOf(body: TwitchNotificationBody): string | undefined {
  const candidates = [body.event.broadcaster_user_id, body.event.to_broadcaster_user_id, body.subscription.condition.broadcaster_user_id, body.subscription.condition.to_broadcaster_user_id];
  return candidates.find((value): value is string => typeof value === 'string' && value.length > 0);
}

/**
 * The `channel-events` message of a verified notification. Its id is the Twitch message id, which
 * Twitch keeps when it resends, so rooms drop resends that slipped past the webhook's own dedupe.
 */
export function channelEventFromTwitch(messageId: string, at: Date, body: TwitchNotificationBody): Parsed<ChannelEvent> {
  const broadcasterId = broadcasterIdOf(body);
  if (broadcasterId === undefined) return { ok: false, reason: `a ${body.subscription.type} notification names no broadcaster; it is not about a channel` };
  const candidate = { id: `twitch_${messageId}`, type: body.subscription.type, broadcasterId, source: 'twitch', at: at.toISOString(), data: body.event };
  const checked = ChannelEvent.safeParse(candidate);
  return checked.success ? { ok: true, value: checked.data } : { ok: false, reason: `cannot become a channel event: ${describeIssues(checked.error)}` };
}
