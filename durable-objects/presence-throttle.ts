/** Presence frames go out at most this often; changes in between are folded into one frame (via an alarm). */
export const PRESENCE_THROTTLE_MS = 500;

/** The last presence frame broadcast to the room. */
export interface PresenceSent {
  at: number;
  count: number;
}

export type PresencePlan = { kind: 'send' } | { kind: 'later'; at: number } | { kind: 'none' };

/** Whether the count `count` should be broadcast now, later (at the end of the throttle window) or not at all. Pure. */
export function planPresence(last: PresenceSent | null, count: number, now: number, throttleMs = PRESENCE_THROTTLE_MS): PresencePlan {
  if (last && last.count === count) return { kind: 'none' };
  if (!last || now - last.at >= throttleMs) return { kind: 'send' };
  return { kind: 'later', at: last.at + throttleMs };
}
