import { importJWK } from 'jose';
import { z } from 'zod';
import { describeIssues } from '../../../contracts/issues.ts';
import { TOKEN_ALGORITHMS } from '../../../contracts/token-signing.ts';

/** KV key (namespace KEYS) of the public playback key set. */
export const JWKS_KEY = 'jwks';
/** Enough for rotation (old + new keys of a few algorithms); a bigger set is a mistake upstream. */
export const MAX_PLAYBACK_KEYS = 32;

// Members that only private (or symmetric) keys have (RFC 7518 §6.2.2, §6.3.2, §6.4.1): the edge must never hold them.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

const Base64Url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url').max(1024);
const Kid = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'kid must be 1-128 characters of A-Z, a-z, 0-9, ., _, : or -');
const common = { kid: Kid, use: z.literal('sig').optional(), alg: z.enum(TOKEN_ALGORITHMS).optional() };

const EcPublicJwk = z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: Base64Url, y: Base64Url, ...common });
const RsaPublicJwk = z.object({ kty: z.literal('RSA'), n: Base64Url, e: Base64Url, ...common });
export const PublicJwk = z.discriminatedUnion('kty', [EcPublicJwk, RsaPublicJwk]);
export type PublicJwk = z.infer<typeof PublicJwk>;

export const PublicJwks = z.object({ keys: z.array(PublicJwk).max(MAX_PLAYBACK_KEYS) });
export type PublicJwks = z.infer<typeof PublicJwks>;

export type JwksCheck = { ok: true; jwks: PublicJwks } | { ok: false; reason: string };

/**
 * Checks a key set uploaded for the edge: public ES256 (P-256) or RSA keys, each with a unique kid.
 * A key with private members is refused outright (not stripped): whoever sent it leaked a private key.
 * Unknown members (x5c, key_ops…) are dropped. Pure.
 */
export function checkPublicJwks(body: unknown): JwksCheck {
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (Array.isArray(keys)) {
    for (const [index, key] of keys.entries()) {
      const found = PRIVATE_MEMBERS.filter((member) => typeof key === 'object' && key !== null && member in key);
      if (found.length > 0) {
        return { ok: false, reason: `keys[${index}] has private members (${found.join(', ')}): upload only public keys — this one has leaked, rotate it` };
      }
    }
  }
  const parsed = PublicJwks.safeParse(body);
  if (!parsed.success) return { ok: false, reason: `not a public JWKS: ${describeIssues(parsed.error, 3)}` };
  const kids = parsed.data.keys.map((key) => key.kid);
  const duplicate = kids.find((kid, index) => kids.indexOf(kid) !== index);
  if (duplicate !== undefined) return { ok: false, reason: `kid ${JSON.stringify(duplicate)} appears twice: each key needs its own kid` };
  return { ok: true, jwks: parsed.data };
}

/** Null when every key imports for its algorithm (a valid point on P-256, a usable RSA modulus), else the reason. */
export async function unimportableKey(jwks: PublicJwks): Promise<string | null> {
  for (const key of jwks.keys) {
    const alg = key.alg ?? (key.kty === 'EC' ? 'ES256' : 'RS256');
    try {
      await importJWK(key, alg);
    } catch (error) {
      return `key ${JSON.stringify(key.kid)} does not import as ${alg}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return null;
}
