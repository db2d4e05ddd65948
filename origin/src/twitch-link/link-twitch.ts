import type { Logger } from 'pino';
import type { TwitchLinkView } from '../../../contracts/channels.ts';
import type { Sql } from '../db/sql.ts';
import { HelixError } from '../webhooks/helix-subscriptions.ts';
import type { HelixClient, ListedSubscription } from './helix.ts';
import { deleteLink, forgetSubscription, getTwitchLink, recordSubscription, setLinkStatus, startLink } from './link-rows.ts';
import { linkSubscriptions, sameCondition, type PlannedSubscription } from './subscription-plan.ts';

export interface TwitchLinkDeps {
  sql: Sql;
  helix: HelixClient;
  /** The public HTTPS URL of `POST /v1/webhooks/twitch` that Twitch calls (TWITCH_EVENTSUB_CALLBACK). */
  callback: string;
  /** TWITCH_EVENTSUB_SECRET: Twitch signs every message to the callback with it. */
  secret: string;
  log: Logger;
}

export type LinkOutcome =
  | { ok: true; link: TwitchLinkView }
  | { ok: false; reason: 'no_such_user' | 'channel_linked' | 'broadcaster_linked' | 'twitch_refused'; message: string };

/**
 * Links a channel to a Twitch broadcaster: the login's user id from Helix, then one EventSub webhook subscription
 * per type of the plan, each recorded as it is made. A subscription Twitch says exists already (409: an earlier
 * attempt made it) is found by listing and adopted. If any creation fails, the ones made are deleted and the
 * link is forgotten, so a failed link leaves nothing behind at Twitch or here.
 */
export async function linkTwitch(deps: TwitchLinkDeps, channelId: string, login: string): Promise<LinkOutcome> {
  const { sql, helix, log } = deps;
  const user = await helix.userByLogin(login);
  if (!user) return { ok: false, reason: 'no_such_user', message: `Twitch has no user ${login}: check the spelling (the name in twitch.tv/NAME)` };
  const started = await startLink(sql, { channelId, broadcasterId: user.id, login: user.login, displayName: user.displayName });
  if (!started.ok && started.reason === 'channel_linked') {
    return { ok: false, reason: 'channel_linked', message: `channel ${channelId} is linked to ${started.login} already: \`vora channels unlink-twitch ${channelId}\` first` };
  }
  if (!started.ok) {
    return { ok: false, reason: 'broadcaster_linked', message: `${user.login} (Twitch user ${user.id}) is linked to channel ${started.channelId}: a broadcaster's events go to one channel; unlink it there first` };
  }
  const made: string[] = [];
  try {
    for (const planned of linkSubscriptions(user.id)) {
      const subscription = await createOrAdopt(deps, planned, user.id);
      made.push(subscription.id);
      await recordSubscription(sql, channelId, subscription);
    }
  } catch (error) {
    log.warn({ event: 'twitch_link_failed', channelId, broadcasterId: user.id, made: made.length, cause: (error as Error).message }, 'Twitch link failed; deleting the subscriptions it made');
    await Promise.allSettled(made.map((id) => helix.deleteSubscription(id)));
    await deleteLink(sql, channelId);
    if (error instanceof HelixError) return { ok: false, reason: 'twitch_refused', message: error.message };
    throw error;
  }
  await setLinkStatus(sql, channelId, 'active');
  log.info({ event: 'twitch_linked', channelId, broadcasterId: user.id, login: user.login, subscriptions: made }, 'channel linked to a Twitch broadcaster');
  return { ok: true, link: (await getTwitchLink(sql, channelId))! };
}

async function createOrAdopt(deps: TwitchLinkDeps, planned: PlannedSubscription, broadcasterId: string): Promise<{ id: string; type: string; version: string; status: string }> {
  try {
    return await deps.helix.createSubscription({ ...planned, callback: deps.callback, secret: deps.secret });
  } catch (error) {
    if (!(error instanceof HelixError) || error.status !== 409) throw error;
    const existing = (await deps.helix.listSubscriptions({ type: planned.type, userId: broadcasterId })).find((listed) => isOurs(listed, planned, deps.callback));
    if (!existing) throw error;
    deps.log.info({ event: 'twitch_subscription_adopted', subscriptionId: existing.id, type: planned.type }, 'Twitch had this subscription already; adopted it');
    return existing;
  }
}

const isOurs = (listed: ListedSubscription, planned: PlannedSubscription, callback: string) =>
  listed.type === planned.type && listed.version === planned.version && listed.transport.callback === callback && sameCondition(listed.condition, planned.condition);

export type UnlinkOutcome = { ok: true; deleted: number } | { ok: false; reason: 'not_linked' | 'twitch_refused'; message: string };

/**
 * Deletes the link's subscriptions at Twitch — those recorded, and any other Twitch lists for the broadcaster with
 * this callback (a crash between a create and its record) — then the link. A deletion Twitch refuses keeps the link
 * (and the subscriptions not deleted yet), so running it again finishes the job.
 */
export async function unlinkTwitch(deps: TwitchLinkDeps, channelId: string): Promise<UnlinkOutcome> {
  const link = await getTwitchLink(deps.sql, channelId);
  if (!link) return { ok: false, reason: 'not_linked', message: `channel ${channelId} has no Twitch link` };
  let deleted = 0;
  try {
    const listed = (await deps.helix.listSubscriptions({ userId: link.broadcasterId })).filter((subscription) => subscription.transport.callback === deps.callback);
    const ids = new Set([...link.subscriptions.map((subscription) => subscription.id), ...listed.map((subscription) => subscription.id)]);
    for (const id of ids) {
      if (await deps.helix.deleteSubscription(id)) deleted += 1;
      await forgetSubscription(deps.sql, id);
    }
  } catch (error) {
    if (!(error instanceof HelixError)) throw error;
    return { ok: false, reason: 'twitch_refused', message: `${error.message}; the link is kept: run unlink again` };
  }
  await deleteLink(deps.sql, channelId);
  deps.log.info({ event: 'twitch_unlinked', channelId, broadcasterId: link.broadcasterId, deleted }, 'Twitch link removed');
  return { ok: true, deleted };
}
