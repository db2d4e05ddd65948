import { z } from 'zod';

/** One sealed column's share of a re-seal (`POST /v1/secrets/reseal`, and the origin's start). */
export const SecretsColumnProgress = z.object({ table: z.string(), column: z.string(), resealed: z.number().int().nonnegative() });
export type SecretsColumnProgress = z.infer<typeof SecretsColumnProgress>;

/** A stored secret a re-seal could not move: the key it needs is not given (`key_missing`), or it does not open (`unreadable`). */
export const SecretsResealFailure = z.object({
  table: z.string(),
  column: z.string(),
  id: z.string(),
  cause: z.enum(['key_missing', 'unreadable']),
  message: z.string(),
});
export type SecretsResealFailure = z.infer<typeof SecretsResealFailure>;

/** `GET /v1/secrets`: the id of VORA_SECRETS_KEY and how many stored secrets are still sealed under another key. */
export const SecretsStatus = z.object({ keyId: z.string(), underOtherKeys: z.number().int().nonnegative() });
export type SecretsStatus = z.infer<typeof SecretsStatus>;

/** The answer to `POST /v1/secrets/reseal` (`vora secrets rotate`); `failures` names every value left under another key. */
export const SecretsRotation = SecretsStatus.extend({
  resealed: z.number().int().nonnegative(),
  columns: z.array(SecretsColumnProgress),
  failures: z.array(SecretsResealFailure),
});
export type SecretsRotation = z.infer<typeof SecretsRotation>;
