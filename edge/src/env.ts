import type { ChatRoom } from '../../durable-objects/chat-room.ts';

/** The worker's bindings, as declared in wrangler.toml (plus the INTERNAL_SECRET secret). */
export interface EdgeEnv {
  CHAT_ROOMS: DurableObjectNamespace<ChatRoom>;
  /** CDN node registry: `node:{nodeId}` → NodeRecord, value and list metadata, TTL-bounded. */
  NODES: KVNamespace;
  /** Public playback keys under `jwks`. */
  KEYS: KVNamespace;
  /** Channel configuration under `config:{rootHash}`. */
  CONFIG: KVNamespace;
  ASSETS: Fetcher;
  ORIGIN_URL: string;
  /** Player origins allowed to call playlists and `/beacon` from another site (CORS): a list, `*`, or empty for none. */
  CORS_ALLOWED_ORIGINS?: string;
  /** How old a memoised KV read of the playback keys or the node list may be, ms (default 1000; 0: read KV every request). */
  KV_CACHE_MS?: string;
  /** "true": CDN nodes may heartbeat plain http:// URLs that are not loopback (local development on a LAN); production leaves it unset. */
  ALLOW_PLAIN_HTTP_NODES?: string;
  /** Where the edge pulls /media from: the shield in front of the gateway; unset = ORIGIN_URL. */
  MEDIA_URL?: string;
  /** Signs the edge's pulls of /media (VORA_PULL_SECRET; secret, like NODE_KEY). */
  PULL_SECRET?: string;
  /** Shared with the origin and node agents for `/internal/*`; `.dev.vars` locally, `wrangler secret` in production. */
  INTERNAL_SECRET?: string;
  /** Key the edge signs segment URLs with and every CDN node's nginx verifies (secret, like INTERNAL_SECRET). */
  NODE_KEY?: string;
}

export type EdgeApp = { Bindings: EdgeEnv };
