import type { TwitchLinkView } from '../../../contracts/channels.ts';
import { isUniqueViolation, type Sql } from '../db/sql.ts';

/** Tables `channel_twitch_links` and `twitch_subscriptions` (migration 51). Repositories take `Sql` first, as elsewhere. */

interface LinkRow {
  channel_id: string;
  broadcaster_id: string;
  login: string;
  display_name: string;
  status: TwitchLinkView['status'];
  broken_reason: string | null;
  linked_at: Date;
}

interface SubscriptionRow {
  id: string;
  channel_id: string;
  type: string;
  version: string;
  status: string;
}

export type StartLink = { ok: true } | { ok: false; reason: 'channel_linked'; login: string } | { ok: false; reason: 'broadcaster_linked'; channelId: string };

/** Records a link in `linking` before any subscription is made, so a verification challenge that comes first finds its channel. */
export async function startLink(sql: Sql, link: { channelId: string; broadcasterId: string; login: string; displayName: string }): Promise<StartLink> {
  try {
    const { rows } = await sql.query(
      `INSERT INTO channel_twitch_links (channel_id, broadcaster_id, login, display_name, status) VALUES ($1, $2, $3, $4, 'linking')
       ON CONFLICT (channel_id) DO NOTHING RETURNING channel_id`,
      [link.channelId, link.broadcasterId, link.login, link.displayName],
    );
    if (rows.length === 1) return { ok: true };
    const held = await sql.query<{ login: string }>('SELECT login FROM channel_twitch_links WHERE channel_id = $1', [link.channelId]);
    return { ok: false, reason: 'channel_linked', login: held.rows[0]?.login ?? '?' };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const other = await sql.query<{ channel_id: string }>('SELECT channel_id FROM channel_twitch_links WHERE broadcaster_id = $1', [link.broadcasterId]);
    return { ok: false, reason: 'broadcaster_linked', channelId: other.rows[0]?.channel_id ?? '?' };
  }
}

/** A subscription Helix created; a row the challenge already wrote (status `enabled`) is kept as it is. */
export async function recordSubscription(sql: Sql, channelId: string, subscription: { id: string; type: string; version: string; status: string }): Promise<void> {
  await sql.query(`INSERT INTO twitch_subscriptions (id, channel_id, type, version, status) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`, [
    subscription.id,
    channelId,
    subscription.type,
    subscription.version,
    subscription.status,
  ]);
}

export async function setLinkStatus(sql: Sql, channelId: string, status: TwitchLinkView['status'], brokenReason: string | null = null): Promise<void> {
  await sql.query(`UPDATE channel_twitch_links SET status = $2, broken_reason = $3, updated_at = date_trunc('milliseconds', now()) WHERE channel_id = $1`, [channelId, status, brokenReason]);
}

export async function getTwitchLink(sql: Sql, channelId: string): Promise<TwitchLinkView | null> {
  const { rows } = await sql.query<LinkRow>('SELECT * FROM channel_twitch_links WHERE channel_id = $1', [channelId]);
  const link = rows[0];
  if (!link) return null;
  const subscriptions = await sql.query<SubscriptionRow>('SELECT * FROM twitch_subscriptions WHERE channel_id = $1 ORDER BY type, id', [channelId]);
  return {
    broadcasterId: link.broadcaster_id,
    login: link.login,
    displayName: link.display_name,
    status: link.status,
    brokenReason: link.broken_reason,
    subscriptions: subscriptions.rows.map(({ id, type, version, status }) => ({ id, type, version, status })),
    linkedAt: new Date(link.linked_at).toISOString(),
  };
}

/** The channel a broadcaster is linked to (whatever the link's status), or null: its events reach no room. */
export async function channelOfBroadcaster(sql: Sql, broadcasterId: string): Promise<string | null> {
  const { rows } = await sql.query<{ channel_id: string }>('SELECT channel_id FROM channel_twitch_links WHERE broadcaster_id = $1', [broadcasterId]);
  return rows[0]?.channel_id ?? null;
}

/** Twitch's challenge proved the callback: the subscription is `enabled` (its row is written if the create's answer is still on its way). */
export async function markSubscriptionVerified(sql: Sql, subscription: { id: string; type: string; version: string; broadcasterId: string }): Promise<string | null> {
  const channelId = await channelOfBroadcaster(sql, subscription.broadcasterId);
  if (channelId === null) return null;
  await sql.query(
    `INSERT INTO twitch_subscriptions (id, channel_id, type, version, status) VALUES ($1, $2, $3, $4, 'enabled')
     ON CONFLICT (id) DO UPDATE SET status = 'enabled', updated_at = date_trunc('milliseconds', now())`,
    [subscription.id, channelId, subscription.type, subscription.version],
  );
  return channelId;
}

/** Twitch revoked a subscription: it keeps Twitch's reason as its status and its link is `broken`. Null when it is not one of ours. */
export async function markSubscriptionRevoked(sql: Sql, subscriptionId: string, status: string): Promise<{ channelId: string; type: string } | null> {
  return sql.transaction(async (tx) => {
    const { rows } = await tx.query<{ channel_id: string; type: string }>(
      `UPDATE twitch_subscriptions SET status = $2, updated_at = date_trunc('milliseconds', now()) WHERE id = $1 RETURNING channel_id, type`,
      [subscriptionId, status],
    );
    const revoked = rows[0];
    if (!revoked) return null;
    await setLinkStatus(tx, revoked.channel_id, 'broken', `Twitch revoked the ${revoked.type} subscription (${status}): unlink and link again`);
    return { channelId: revoked.channel_id, type: revoked.type };
  });
}

export async function forgetSubscription(sql: Sql, subscriptionId: string): Promise<void> {
  await sql.query('DELETE FROM twitch_subscriptions WHERE id = $1', [subscriptionId]);
}

/** Removes the link and (cascade) its subscription rows. */
export async function deleteLink(sql: Sql, channelId: string): Promise<void> {
  await sql.query('DELETE FROM channel_twitch_links WHERE channel_id = $1', [channelId]);
}

/** The webhook's view of the links, over the DB (`TwitchLinkRegistry` of ../webhooks/twitch-routes.ts). */
export function sqlTwitchLinkRegistry(sql: Sql) {
  return {
    channelOf: (broadcasterId: string) => channelOfBroadcaster(sql, broadcasterId),
    verified: (subscription: { id: string; type: string; version: string; broadcasterId: string }) => markSubscriptionVerified(sql, subscription),
    revoked: (subscriptionId: string, status: string) => markSubscriptionRevoked(sql, subscriptionId, status),
  };
}
