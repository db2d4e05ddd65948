import type { SealedColumn } from '../db/reseal-secrets.ts';
import { passphraseOf, relayKeyOf } from '../live/srt-input-rows.ts';
import { restreamKeyOwner } from '../live/restream-target-rows.ts';
import { secretOwner } from '../outgoing-webhooks/endpoint-store.ts';

/**
 * Every column that holds a secret sealed under `VORA_SECRETS_KEY`, with the owner its values were sealed for. A new
 * sealed column goes here, or a key rotation leaves it under the old key (and names it when that key is dropped).
 */
export const STORED_SECRET_COLUMNS: readonly SealedColumn[] = [
  { table: 'webhook_endpoints', column: 'secret', owner: secretOwner },
  { table: 'webhook_endpoints', column: 'previous_secret', owner: secretOwner },
  { table: 'live_inputs', column: 'srt_passphrase_sealed', owner: passphraseOf },
  { table: 'live_inputs', column: 'srt_relay_key_sealed', owner: relayKeyOf },
  { table: 'live_restream_targets', column: 'stream_key_sealed', owner: restreamKeyOwner },
];
