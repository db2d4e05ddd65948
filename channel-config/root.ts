import { DEFAULT_CHANNEL_CONFIG, type ChannelConfig } from '../contracts/channel-config.ts';
import { canonicalJson } from './canonical-json.ts';
import { sha256Hex } from './hash.ts';

/** Names the document format, so a future root format can never collide with this one's hashes. */
export const ROOT_FORMAT = 'vora.channel-config.root/1';

export interface RootDocument {
  format: typeof ROOT_FORMAT;
  channelId: string;
  config: ChannelConfig;
}

/** A channel's root: its identity plus the default configuration. The same channel always gives the same bytes. */
export function rootDocument(channelId: string): RootDocument {
  return { format: ROOT_FORMAT, channelId, config: DEFAULT_CHANNEL_CONFIG };
}

/** The canonical text of the root document (the bytes that are hashed). */
export function rootText(channelId: string): string {
  return canonicalJson(rootDocument(channelId));
}

/** The channel's root hash: its key on Kafka (`config-updates`, `config-requests`) and in KV (`config:{rootHash}`). */
export function rootHash(channelId: string): Promise<string> {
  return sha256Hex(rootText(channelId));
}

/**
 * The configuration a root hash stands for. It is the same for every channel (the defaults), so
 * a cache that knows only the root hash — the Kafka key — can start a chain without the channel id.
 */
export function rootConfig(): ChannelConfig {
  return structuredClone(DEFAULT_CHANNEL_CONFIG);
}
