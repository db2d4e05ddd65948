import { TWITCH_LINK_SUBSCRIPTIONS } from '../../../contracts/channels.ts';

export interface PlannedSubscription {
  type: string;
  version: string;
  condition: Record<string, string>;
}

/**
 * The EventSub subscriptions that follow one broadcaster (pure): each type of `TWITCH_LINK_SUBSCRIPTIONS` with
 * the condition Twitch documents for it — the raid as its receiving side, the follow (v2) with the broadcaster
 * as its own moderator, every other type by `broadcaster_user_id`.
 */
export function linkSubscriptions(broadcasterId: string): PlannedSubscription[] {
  return TWITCH_LINK_SUBSCRIPTIONS.map(({ type, version }) => ({ type, version, condition: conditionFor(type, broadcasterId) }));
}

function conditionFor(type: string, broadcasterId: string): Record<string, string> {
  if (type === 'channel.raid') return { to_broadcaster_user_id: broadcasterId };
  if (type === 'channel.follow') return { broadcaster_user_id: broadcasterId, moderator_user_id: broadcasterId };
  return { broadcaster_user_id: broadcasterId };
}

/** The broadcaster a subscription's condition follows (the raid's receiving side), or undefined. Pure. */
export function conditionBroadcaster(condition: Record<string, unknown>): string | undefined {
  const candidate = condition.broadcaster_user_id ?? condition.to_broadcaster_user_id;
  return typeof candidate === 'string' && candidate.length > 0 ? candidate : undefined;
}

/** Two conditions name the same thing (Helix answers 409 for a second subscription of one type, condition and callback). */
export function sameCondition(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}
