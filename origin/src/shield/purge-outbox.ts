import type { Logger } from 'pino';
import { abandonShieldPurge, completeShieldPurge, deferShieldPurge, dueShieldPurges, pendingShieldPurgesOf, requestShieldPurges, shieldPurgesOf, type ShieldPurge } from '../db/shield-purges.ts';
import type { Sql } from '../db/sql.ts';
import { repeatInBackground } from '../repeat-in-background.ts';
import { afterFailedShieldPurge, SHIELD_PURGE_GIVE_UP_AFTER_MS } from './purge-retry-rules.ts';
import { shieldKey, type BanFromShield } from './purge-shields.ts';

export interface ShieldPurgeOutboxDeps {
  sql: Sql;
  /** Base URLs of every shield (VORA_SHIELD_URLS). */
  shieldUrls: string[];
  ban: BanFromShield;
  log: Logger;
  /** How long after the DELETE the origin stops retrying (default 24 h). */
  giveUpAfterMs?: number;
}

/**
 * Purges of deleted videos from the shields, kept in the DB (`shield_purges`) until each shield acknowledges:
 * recorded with the DELETED state change, tried at once by the DELETE, and retried by a background loop.
 */
export interface ShieldPurgeOutbox {
  /** One pending purge per shield; call it inside the transaction that moves the video to DELETED (or on a repeated DELETE). */
  request(tx: Sql, videoId: string): Promise<void>;
  /** The DELETE's own attempt at every pending purge of the video, in parallel; returns every purge of the video after it. */
  purgeNow(videoId: string): Promise<ShieldPurge[]>;
  /** One pass of the loop over the due purges; returns how many shields acknowledged. */
  purgeDue(now?: Date, limit?: number): Promise<number>;
  /** The loop: a pass every `intervalMs` (default 1 s, the first retry's delay). */
  start(intervalMs?: number): { stop(): Promise<void> };
}

/** Long enough for the DELETE's own attempt (two BANs of at most 3 s each) before the loop may take the same purge. */
const DELETE_ATTEMPT_CLAIM_MS = 15_000;

const NOT_CONFIGURED = 'the shield is no longer in VORA_SHIELD_URLS';

const HOW_TO_FIX = "is the shield up, with the origin's address in its purgers and the same VORA_PULL_SECRET?";

export function shieldPurgeOutbox(deps: ShieldPurgeOutboxDeps): ShieldPurgeOutbox {
  const { sql, log } = deps;
  const shields = [...new Set(deps.shieldUrls.map(shieldKey))];
  const giveUpAfterMs = deps.giveUpAfterMs ?? SHIELD_PURGE_GIVE_UP_AFTER_MS;

  /** One BAN, its outcome written back; never throws for the shield's sake. */
  async function attempt(pending: ShieldPurge): Promise<boolean> {
    const { videoId, shield } = pending;
    const attempts = pending.attempts + 1;
    if (!shields.includes(shield)) {
      // Taken out of service: nothing to purge there, and nothing to retry for a day.
      await abandonShieldPurge(sql, videoId, shield, NOT_CONFIGURED);
      log.warn({ event: 'shield_purge_abandoned', videoId, shield, attempts, cause: NOT_CONFIGURED }, `not purging the video from ${shield}: ${NOT_CONFIGURED}`);
      return false;
    }
    const outcome = await deps.ban(shield, videoId);
    if (outcome.ok) {
      await completeShieldPurge(sql, videoId, shield);
      log.info({ event: 'shield_purged', videoId, shield, attempts }, 'video purged from the shield');
      return true;
    }
    const now = new Date();
    const next = afterFailedShieldPurge(attempts, pending.requestedAt, now, giveUpAfterMs);
    if (next.action === 'retry') {
      await deferShieldPurge(sql, videoId, shield, next.at, outcome.cause);
      log.warn(
        { event: 'shield_purge_deferred', videoId, shield, attempts, retryInMs: next.delayMs, cause: outcome.cause },
        `could not purge the video from the shield (${outcome.cause}); ${HOW_TO_FIX} The purge is kept and tried again`,
      );
    } else {
      await abandonShieldPurge(sql, videoId, shield, outcome.cause);
      log.error(
        { event: 'shield_purge_abandoned', videoId, shield, attempts, sinceMs: now.getTime() - pending.requestedAt.getTime(), cause: outcome.cause },
        `gave up purging the video from the shield (${outcome.cause}): it may still serve the video from its cache. Fix the shield (${HOW_TO_FIX}), then repeat \`vora videos rm ${videoId}\` to purge again`,
      );
    }
    return false;
  }

  const outbox: ShieldPurgeOutbox = {
    async request(tx, videoId) {
      await requestShieldPurges(tx, videoId, shields, new Date(Date.now() + DELETE_ATTEMPT_CLAIM_MS));
    },
    async purgeNow(videoId) {
      await Promise.all((await pendingShieldPurgesOf(sql, videoId)).map(attempt));
      return shieldPurgesOf(sql, videoId);
    },
    async purgeDue(now = new Date(), limit = 50) {
      const acknowledged = await Promise.all((await dueShieldPurges(sql, now, limit)).map(attempt));
      return acknowledged.filter(Boolean).length;
    },
    start(intervalMs = 1_000) {
      return repeatInBackground(intervalMs, () =>
        outbox.purgeDue().catch((error: unknown) => log.warn({ event: 'shield_purge_outbox_failed', err: (error as Error).message }, 'could not read the pending shield purges; trying again')),
      );
    },
  };
  return outbox;
}
