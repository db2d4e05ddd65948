import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { RtmpNotifyForm } from '../../../contracts/live-inputs.ts';
import { ApiError } from '../api/errors.ts';
import { hashSecret } from '../db/secrets.ts';
import type { Sql } from '../db/sql.ts';
import { claimPublisher, findLiveInputByKey, heldByPublisher, releasePublisher, replaceGonePublisher, type LiveInput } from './live-input-rows.ts';
import type { PublisherGoneCheck } from './ingest-streams.ts';
import { decidePublish, precheckPublish } from './publish-decision.ts';
import type { SealedSecrets } from '../db/sealed-secrets.ts';
import { listSrtRelays } from './srt-input-rows.ts';
import { bearerToken } from '../../../contracts/http.ts';
import { llhlsIngestRoutes } from './llhls-ingest-routes.ts';
import type { LlhlsRenditions } from './llhls-renditions.ts';
import { restreamInternalRoutes } from './restream-internal-routes.ts';
import type { WebhookEventEmitter } from '../outgoing-webhooks/event-emitter.ts';

export interface IngestHookDeps {
  sql: Sql;
  log: Logger;
  /** Shared with the ingest servers; nginx-rtmp cannot set headers, so it comes as `?s=` in the hook URL. */
  ingestSecret: string;
  /** Where ladders pull a stream when the ingest does not say (`?pull=` in its hook URL): `rtmp://host:port/live`. */
  defaultPullBase: string;
  /**
   * Told after an authorized publish, with the ingest's pull base and whether it continues the current broadcast
   * (the publisher is back within the reconnect window). Failing here refuses the publish.
   */
  onPublish?(input: LiveInput, options: { pullBase: string; continued: boolean }): Promise<unknown>;
  /** Told after the publisher left. */
  onPublishDone?(input: LiveInput): Promise<unknown>;
  /**
   * Whether an input's claimed publisher is on no ingest any more (ingest-streams.ts): a publish refused as a second
   * publisher takes the claim over when it is. Without it (no stat pages configured) such a publish is refused.
   */
  publisherGone?: PublisherGoneCheck;
  /** Opens the SRT relays' passphrases and relay keys for `GET /srt-relays` (the SRT relay asks there); without it that route is 404. */
  srtSealed?: SealedSecrets;
  /** Low-latency inputs' packagers: the ladder PUTs each rung's fragmented MP4 here (llhls-ingest-routes.ts). */
  llhls?: LlhlsRenditions;
  /** Opens restream targets' keys for the restream activity (`/restream-targets/:id`); without it those routes are 404. */
  restreamSealed?: SealedSecrets;
  /** `live_input.restream.live` / `.failed` webhooks when a target's push changes status. */
  restreamEvents?: Pick<WebhookEventEmitter, 'emit'>;
}

/** The ingest node names where its streams can be pulled (several ingest nodes, one origin). */
const pullBaseOf = (value: string | undefined) => (value && /^rtmp:\/\/[A-Za-z0-9.:[\]-]+\/live$/.test(value) ? value : null);
const digest = (value: string) => createHash('sha256').update(value).digest();
/** Enough of the key's hash to tell keys apart in logs; the key itself is never logged. */
const keyFingerprint = (streamKey: string) => hashSecret(streamKey).slice(0, 12);

/**
 * nginx-rtmp's notify calls (mount at `/internal/live`): `on-publish` decides a publish before any media
 * flows — a 302 whose Location is the input id lets it through renamed (the key never appears in a path),
 * a 403 drops it; `on-publish-done` reports the publisher gone.
 */
export function ingestHookRoutes(deps: IngestHookDeps): Hono {
  if (deps.ingestSecret.length < 16) throw new Error('ingestHookRoutes needs the ingest secret (VORA_INTERNAL_SECRET, 16+ characters) the ingest servers call with');
  const expected = digest(deps.ingestSecret);
  const { sql, log } = deps;
  const app = new Hono();

  app.use('*', async (c, next) => {
    // nginx-rtmp can only send `?s=`; the low-latency ladder's FFmpeg sends a bearer header (kept out of URLs).
    const given = c.req.query('s') ?? bearerToken(c.req.header('Authorization')) ?? undefined;
    if (given === undefined || !timingSafeEqual(digest(given), expected)) throw new ApiError(401, 'missing or wrong ingest secret: the on_publish URL needs ?s=<VORA_INTERNAL_SECRET> (or the header Authorization: Bearer <VORA_INTERNAL_SECRET>)');
    await next();
  });

  const readForm = async (body: Promise<Record<string, unknown>>) => {
    const parsed = RtmpNotifyForm.safeParse(await body);
    if (!parsed.success) throw new ApiError(400, 'not an nginx-rtmp notify form (app, name, clientid, addr)');
    return parsed.data;
  };

  app.post('/on-publish', async (c) => {
    const receivedAt = Date.now();
    const form = await readForm(c.req.parseBody());
    const peer = { addr: form.addr, clientId: form.clientid };
    const precheck = precheckPublish(form);
    const found = precheck ? null : await findLiveInputByKey(sql, form.name);
    const decision = precheck ?? decidePublish(found);
    const refused = (refusal: string, reason: string, liveInputId?: string) => {
      log.warn({ event: 'live_publish_refused', refusal, reason, liveInputId, keyFingerprint: keyFingerprint(form.name), ...peer }, 'publish refused');
      return c.text(reason, 403);
    };
    const publisher = { clientId: form.clientid ?? '', keyHash: hashSecret(form.name), addr: form.addr ?? '', since: new Date().toISOString() };
    let claim: { input: LiveInput; continued: boolean } | null;
    if (decision.allow) {
      claim = await claimPublisher(sql, decision.input.id, publisher);
      if (!claim) return refused('already_publishing', `live input ${decision.input.id} already has a publisher`, decision.input.id);
    } else {
      // The streamer reconnecting after its ingest restarted: the old claim's publisher is on no ingest any more.
      const gone = decision.refusal === 'already_publishing' && found?.publisher ? found.publisher : null;
      const replaced = gone && (await deps.publisherGone?.(found!)) ? await replaceGonePublisher(sql, found!.id, gone, publisher) : null;
      if (!replaced) return refused(decision.refusal, decision.reason, decision.liveInputId);
      log.warn({ event: 'live_publisher_gone_replaced', liveInputId: replaced.id, gone: { addr: gone!.addr, clientId: gone!.clientId, since: gone!.since } }, 'claimed publisher is on no ingest (restarted without on_publish_done): the new one continues the broadcast');
      claim = { input: replaced, continued: true };
    }
    const { input: claimed, continued } = claim;
    try {
      await deps.onPublish?.(claimed, { pullBase: pullBaseOf(c.req.query('pull')) ?? deps.defaultPullBase, continued });
    } catch (error) {
      // The broadcast's workflow decides from the row: leave it waiting for a publisher as before this attempt.
      await releasePublisher(sql, publisher, continued ? 'reconnecting' : 'ended');
      log.error({ event: 'live_publish_start_failed', liveInputId: claimed.id, continued, err: error }, 'could not start or resume the broadcast');
      return c.text('the broadcast could not be started; the origin log has the details', 503);
    }
    log.info({ event: continued ? 'live_publish_resumed' : 'live_publish_authorized', liveInputId: claimed.id, broadcast: claimed.broadcasts, ...peer, msInHook: Date.now() - receivedAt }, continued ? 'publisher back within the reconnect window' : 'publish authorized');
    // nginx-rtmp renames the stream to the Location (not starting with rtmp://): paths carry the id, not the key.
    return c.body(null, 302, { Location: claimed.id });
  });

  /** nginx re-asks about every session each `notify_update_timeout`: a publisher whose input is gone is dropped. */
  app.post('/on-update', async (c) => {
    const form = await readForm(c.req.parseBody());
    // Players are the ladders (allowed by address in nginx); only publishers are re-checked.
    if (form.call !== 'update_publish') return c.body(null, 204);
    const held = await heldByPublisher(sql, { clientId: form.clientid ?? '', keyHash: hashSecret(form.name) });
    if (held) return c.body(null, 204);
    log.warn({ event: 'live_publisher_cut', keyFingerprint: keyFingerprint(form.name), addr: form.addr, clientId: form.clientid }, 'publisher cut: its live input was deleted or disabled');
    return c.text('the live input was deleted or disabled', 403);
  });

  /** The SRT relay (ingest/srt-relay.ts) asks which listeners to run: port, passphrase and relay key per SRT-enabled input. */
  app.get('/srt-relays', async (c) => {
    if (!deps.srtSealed) throw new ApiError(404, 'SRT ingest is not configured on this origin (VORA_SRT_PORTS)');
    return c.json({ relays: await listSrtRelays({ sql, sealed: deps.srtSealed }) });
  });

  if (deps.llhls) app.route('/', llhlsIngestRoutes({ sql, log, renditions: deps.llhls }));
  if (deps.restreamSealed) app.route('/restream-targets', restreamInternalRoutes({ sql, sealed: deps.restreamSealed, log, events: deps.restreamEvents }));

  app.post('/on-publish-done', async (c) => {
    const form = await readForm(c.req.parseBody());
    // The broadcast's workflow waits out the reconnect window and then ends it (closeLiveBroadcast).
    const released = await releasePublisher(sql, { clientId: form.clientid ?? '', keyHash: hashSecret(form.name) }, 'reconnecting');
    if (!released) {
      log.info({ event: 'live_publish_done_unknown', clientId: form.clientid, addr: form.addr }, 'publish done for a publisher that held no input');
      return c.body(null, 204);
    }
    log.info({ event: 'live_publish_done', liveInputId: released.id, broadcast: released.broadcasts }, 'publisher left');
    await deps.onPublishDone?.(released);
    return c.body(null, 204);
  });

  return app;
}
