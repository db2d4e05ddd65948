import type { JSONWebKeySet } from 'jose';
import { KvReadCache, memoFor } from '../kv-read-cache.ts';
import { JWKS_KEY, PublicJwks } from './public-jwks.ts';

export type StoredKeys = { ok: true; jwks: JSONWebKeySet } | { ok: false; status: 503; code: string; reason: string };

/** What KV `jwks` holds besides the key set: when it was written, for operators. */
export interface JwksMetadata {
  updatedAt: number;
  kids: string[];
}

export async function writePlaybackKeys(kv: KVNamespace, jwks: PublicJwks, now: number): Promise<JwksMetadata> {
  const metadata: JwksMetadata = { updatedAt: now, kids: jwks.keys.map((key) => key.kid) };
  await kv.put(JWKS_KEY, JSON.stringify(jwks), { metadata });
  invalidatePlaybackKeys(kv);
  return metadata;
}

function parseStoredKeys(text: string): PublicJwks | null {
  try {
    const parsed = PublicJwks.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

// The last text read and its parsed form: the same object while KV is unchanged, so claims.ts's imported-key cache hits.
let lastText: string | null = null;
let lastJwks: JSONWebKeySet | null = null;

const keyTexts = new WeakMap<KVNamespace, KvReadCache<string | null>>();
const keyTextMemo = (kv: KVNamespace) => memoFor(keyTexts, kv, () => kv.get(JWKS_KEY, 'text'));

/** Drops this isolate's memo of the key set: after a write, or when a token names a kid the memo does not hold. */
export function invalidatePlaybackKeys(kv: KVNamespace): void {
  keyTextMemo(kv).invalidate();
}

/**
 * The public playback keys for verifyPlaybackToken. KV content is untrusted too: it is parsed again (once per
 * text). `maxAgeMs`: a read this isolate made that recently is reused (kv-read-cache.ts); 0 reads KV.
 */
export async function readPlaybackKeys(kv: KVNamespace, options: { maxAgeMs?: number; now?: number } = {}): Promise<StoredKeys> {
  const text = await keyTextMemo(kv).get(options.maxAgeMs ?? 0, options.now ?? Date.now());
  if (text === null) {
    return { ok: false, status: 503, code: 'no_playback_keys', reason: 'the edge has no playback keys yet: the origin pushes them with PUT /internal/keys when a key is created (POST /v1/keys)' };
  }
  if (text === lastText && lastJwks) return { ok: true, jwks: lastJwks };
  const jwks = parseStoredKeys(text);
  if (!jwks) {
    return { ok: false, status: 503, code: 'bad_playback_keys', reason: 'the stored playback key set is invalid: push it again with PUT /internal/keys' };
  }
  lastText = text;
  lastJwks = jwks as JSONWebKeySet;
  return { ok: true, jwks: lastJwks };
}

export async function readPlaybackKeysMetadata(kv: KVNamespace): Promise<JwksMetadata | null> {
  const { metadata } = await kv.getWithMetadata<JwksMetadata>(JWKS_KEY, 'text');
  return metadata;
}
