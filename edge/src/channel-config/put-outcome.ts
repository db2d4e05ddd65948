import { rootHash as rootHashOf } from '../../../channel-config/root.ts';
import type { ConfigState, UpdateOutcome } from '../../../channel-config/chain.ts';
import type { ConfigPutAnswer } from '../../../contracts/channel-config.ts';
import { ChannelId, channelRoom, RoomName } from '../../../contracts/ids.ts';

/** Pure: the answer (contracts/channel-config.ts) once `applyUpdate(held, message)` decided. `room` is the room that got the new chat rules. */
export function answerToUpdate(outcome: UpdateOutcome, held: ConfigState, room: string | null): ConfigPutAnswer {
  if (outcome.ok) {
    return { status: 200, body: { outcome: 'applied', hash: outcome.state.hash, height: outcome.state.height, updates: outcome.applied, room } };
  }
  switch (outcome.reason) {
    case 'stale':
      return { status: 200, body: { outcome: 'unchanged', hash: held.hash, height: held.height } };
    case 'gap':
      return {
        status: 409,
        body: {
          error: { code: 'gap', message: `the edge holds ${outcome.held}, not the update's base ${outcome.base}: send the run from the root (config-requests)` },
          reason: 'gap',
          held: outcome.held,
          base: outcome.base,
        },
      };
    case 'invalid':
      return { status: 422, body: { error: { code: 'invalid_update', message: outcome.message }, reason: 'invalid', path: outcome.path } };
    case 'other-root':
      return { status: 400, body: { error: { code: 'other_root', message: 'the message names another root than the URL' } } };
  }
}

export type ChannelCheck = { ok: true; channelId: string | null } | { ok: false; message: string };

/**
 * The `?channel=` the origin adds so the edge can reach the channel's room. It cannot be forged: the
 * root hash is SHA-256 of the channel's root document, so the edge recomputes it and refuses a mismatch.
 */
export async function channelOfRoot(channelId: string | undefined, rootHash: string): Promise<ChannelCheck> {
  if (channelId === undefined) return { ok: true, channelId: null };
  if (!ChannelId.safeParse(channelId).success) return { ok: false, message: 'channel must be 1-64 characters of A-Z a-z 0-9 _ -' };
  if ((await rootHashOf(channelId)) !== rootHash) return { ok: false, message: `channel ${channelId} does not have root ${rootHash}` };
  return { ok: true, channelId };
}

/** The channel's chat room (as the origin's bridge names it), or null when the name would be too long for a room. */
export function roomOfChannel(channelId: string): string | null {
  const room = channelRoom(channelId);
  return RoomName.safeParse(room).success ? room : null;
}
