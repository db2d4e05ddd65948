import type { Logger } from 'pino';
import { pullHeaders } from '../../../contracts/pull-signing.ts';
import { PURGE_METHOD, purgePath } from '../../../contracts/shield-purge.ts';

export interface ShieldBanOptions {
  /** VORA_PULL_SECRET: a purge is signed as a pull with method BAN. */
  pullSecret: string;
  /** Longest wait for one shield's answer (default 3 s); a failed attempt is made once more. */
  timeoutMs?: number;
}

export interface ShieldPurgerOptions extends ShieldBanOptions {
  /** Base URLs of every shield (VORA_SHIELD_URLS), e.g. http://127.0.0.1:8090. */
  shieldUrls: string[];
  log: Logger;
}

export type PurgeOutcome = { shield: string; ok: true } | { shield: string; ok: false; cause: string };

/** Purges a deleted video from one shield (its base URL): one signed BAN; a failure is returned, never thrown. */
export type BanFromShield = (shield: string, videoId: string) => Promise<PurgeOutcome>;

/** Purges a deleted video from every shield: one BAN each, in parallel; what failed is returned, never thrown. */
export type PurgeShields = (videoId: string) => Promise<PurgeOutcome[]>;

/** A shield's base URL as the outbox keys it: no trailing slash, so `…:8090` and `…:8090/` are one shield. */
export function shieldKey(url: string): string {
  return url.replace(/\/+$/, '');
}

export function shieldBan(options: ShieldBanOptions): BanFromShield {
  const timeoutMs = options.timeoutMs ?? 3_000;

  const banOnce = async (shield: string, videoId: string): Promise<PurgeOutcome> => {
    const path = purgePath(videoId);
    try {
      const headers = await pullHeaders({ method: PURGE_METHOD, path, secret: options.pullSecret, nowSeconds: Math.floor(Date.now() / 1000) });
      const answer = await fetch(`${shield}${path}`, { method: PURGE_METHOD, headers, signal: AbortSignal.timeout(timeoutMs) });
      const body = await answer.text();
      if (answer.status === 200) return { shield, ok: true };
      return { shield, ok: false, cause: `answered ${answer.status} ${refusalCode(body)}` };
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      return { shield, ok: false, cause: `could not be reached (${cause})` };
    }
  };

  return async (url, videoId) => {
    const shield = shieldKey(url);
    const outcome = await banOnce(shield, videoId);
    // A refusal (401/403) will not change; a dropped connection or a restart may.
    return !outcome.ok && outcome.cause.startsWith('could not') ? banOnce(shield, videoId) : outcome;
  };
}

/** Every shield at once, logged; the DELETE route goes through the outbox instead (`purge-outbox.ts`), this serves the benchmarks. */
export function shieldPurger(options: ShieldPurgerOptions): PurgeShields {
  const ban = shieldBan(options);
  return async (videoId) =>
    Promise.all(
      options.shieldUrls.map(async (url) => {
        const outcome = await ban(url, videoId);
        if (outcome.ok) options.log.info({ event: 'shield_purged', videoId, shield: outcome.shield }, 'video purged from the shield');
        else options.log.warn({ event: 'shield_purge_failed', videoId, shield: outcome.shield, cause: outcome.cause }, 'could not purge the video from the shield');
        return outcome;
      }),
    );
}

function refusalCode(body: string): string {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? body.slice(0, 80);
  } catch {
    return body.slice(0, 80);
  }
}
