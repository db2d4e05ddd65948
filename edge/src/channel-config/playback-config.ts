import { rootConfig, rootHash } from '../../../channel-config/root.ts';
import { EdgeError } from '../http/errors.ts';
import { cappedMaxHeight, playerOriginAllowed, type PlaybackRules } from './playback-rules.ts';
import { readConfigState } from './state.ts';

/** The channel's playback rules from KV `config:{rootHash(channel)}`; nothing stored (or unreadable) = the root's defaults. */
export async function readPlaybackRules(kv: KVNamespace, channelId: string): Promise<PlaybackRules> {
  const stored = await readConfigState(kv, await rootHash(channelId));
  if (stored.kind === 'corrupt') console.error(JSON.stringify({ event: 'edge.config_corrupt', channelId, reason: stored.reason }));
  return stored.kind === 'held' ? stored.state.config.playback : rootConfig().playback;
}

/**
 * For a playlist request whose token names a channel: refuses a player origin the channel does not
 * allow (403) and returns the capped `maxHeight`. Without a channel claim: the token's own rules only.
 */
export async function channelPlaybackLimits(kv: KVNamespace, claims: { channel?: string; maxHeight?: number }, origin: string | undefined): Promise<{ maxHeight: number | undefined }> {
  if (claims.channel === undefined) return { maxHeight: claims.maxHeight };
  const rules = await readPlaybackRules(kv, claims.channel);
  if (!playerOriginAllowed(origin, rules)) {
    throw new EdgeError(403, 'player_origin_denied', `channel ${claims.channel} does not allow players on ${origin}`, { 'Cache-Control': 'no-store' });
  }
  return { maxHeight: cappedMaxHeight(claims.maxHeight, rules) };
}
