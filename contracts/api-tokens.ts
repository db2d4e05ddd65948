import { z } from 'zod';

/**
 * What an operator API token may do. `admin` includes every other scope (and is the bootstrap token's);
 * a route that declares none needs `admin` (origin/src/api/scopes.ts).
 */
export const API_TOKEN_SCOPES = ['videos:read', 'videos:write', 'keys', 'nodes', 'webhooks', 'admin'] as const;
export const ApiTokenScope = z.enum(API_TOKEN_SCOPES);
export type ApiTokenScope = z.infer<typeof ApiTokenScope>;

/** `POST /v1/api-tokens`. */
export const CreateApiTokenRequest = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(ApiTokenScope).min(1).max(API_TOKEN_SCOPES.length).transform((scopes) => [...new Set(scopes)]),
});
export type CreateApiTokenRequest = z.infer<typeof CreateApiTokenRequest>;

/** A token as listed: never the secret, never its hash. */
export const ApiTokenView = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(ApiTokenScope),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiTokenView = z.infer<typeof ApiTokenView>;

/** The answer of `POST /v1/api-tokens`: `token` is shown this once and is not stored. */
export const CreatedApiToken = z.object({ token: z.string(), apiToken: ApiTokenView });
export type CreatedApiToken = z.infer<typeof CreatedApiToken>;

export const ApiTokenList = z.object({ tokens: z.array(ApiTokenView) });
export type ApiTokenList = z.infer<typeof ApiTokenList>;

/** Pure: does a token holding `held` have `needed`? `admin` has everything. */
export function hasScope(held: readonly string[], needed: ApiTokenScope): boolean {
  return held.includes('admin') || held.includes(needed);
}
