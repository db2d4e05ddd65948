import { Hono } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CreateLiveInputBody, LiveInputId, MAX_RESTREAM_TARGETS, RestreamTarget, RestreamTargetId, type LiveInputStatus } from '../../../contracts/live-inputs.ts';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import type { Sql } from '../db/sql.ts';
import { createLiveInput, deleteLiveInput, getLiveInput, listLiveInputs, rotateStreamKey, type LiveInput } from './live-input-rows.ts';
import { liveInputView, liveInputWithKey } from './live-input-view.ts';
import type { LiveNow, ReadLiveNow } from './live-now.ts';
import type { SealedSecrets } from '../db/sealed-secrets.ts';
import { issueSrtCredentials, NoFreeSrtPort, removeSrt } from './srt-input-rows.ts';
import { addRestreamTarget, deleteRestreamTarget, insertRestreamTargets } from './restream-target-rows.ts';
import type { SrtPortRange } from './srt-ingest.ts';

export interface LiveInputRoutesDeps {
  sql: Sql;
  log: Logger;
  /** Base of the URLs handed out, e.g. http://127.0.0.1:8080 (read per request: known only once the server listens in tests). */
  readonly publicUrl: string;
  /** The RTMP application publishers use, e.g. rtmp://127.0.0.1:1935/live. */
  rtmpUrl: string;
  /** Current viewers and bitrate of inputs that are on (live-now.ts); without it both read null. */
  readLiveNow?: ReadLiveNow;
  /** Opt-in SRT ingest (`srt: true`): the host publishers dial, the port range, the key that seals passphrases. Without it `srt: true` is refused. */
  srt?: { host: string; ports: SrtPortRange; sealed: SealedSecrets };
  /** Seals restream targets' keys (`VORA_SECRETS_KEY`): the API takes a key once and shows it masked from then on. */
  sealed: SealedSecrets;
  /**
   * Tells the input's running broadcast that its targets changed (a Temporal signal; start-broadcast.ts), so an added
   * target starts pushing and a removed one stops now, not at the next broadcast. Without it they apply at the next one.
   */
  restreamTargetsChanged?: (input: LiveInput) => Promise<void>;
}

const IdParam = z.object({ id: LiveInputId });
const TargetParam = z.object({ id: LiveInputId, targetId: RestreamTargetId });
/** A broadcast is running (or waiting for its publisher) in these: its workflow takes the targets-changed signal. */
const BROADCASTING: ReadonlySet<LiveInputStatus> = new Set(['connecting', 'live', 'reconnecting']);
const noLiveInput = (id: string) => new ApiError(404, `no live input ${id}`);

/** `/v1/live-inputs`: create (the key shown once), list, read, rotate the key, delete. Operator auth is applied by the caller. */
export function liveInputRoutes(deps: LiveInputRoutesDeps): Hono {
  const { sql, log } = deps;
  const urls = () => ({ publicUrl: deps.publicUrl, rtmpUrl: deps.rtmpUrl, srtHost: deps.srt?.host ?? null });
  const app = new Hono();

  const srtDeps = () => {
    if (!deps.srt) throw new ApiError(409, 'SRT ingest is not configured on this origin: set VORA_SRT_PORTS (e.g. 9710-9729) and run the SRT relay (ingest/srt-relay.ts)');
    return { sql, sealed: deps.srt.sealed, ports: deps.srt.ports };
  };
  /** New SRT credentials for an input (the same port when it has one). */
  const issueSrt = async (id: string) => {
    try {
      return await issueSrtCredentials(srtDeps(), id);
    } catch (error) {
      if (error instanceof NoFreeSrtPort) throw new ApiError(409, error.message);
      throw error;
    }
  };

  app.post('/', validate('json', CreateLiveInputBody), async (c) => {
    const body = c.req.valid('json');
    if (body.srt) srtDeps();
    const { liveInput: created, streamKey } = await sql.transaction(async (tx) => {
      const made = await createLiveInput(tx, { title: body.title, channelId: body.channelId, reconnectWindowSeconds: body.reconnectWindowSeconds, recording: body.recording === 'on', latency: body.latency });
      if (body.restreamTargets.length === 0) return made;
      await insertRestreamTargets(tx, deps.sealed, made.liveInput.id, body.restreamTargets);
      return { ...made, liveInput: (await getLiveInput(tx, made.liveInput.id))! };
    });
    let liveInput = created;
    let srt = null;
    if (body.srt) {
      // No port left: the input is not kept half made.
      srt = await issueSrt(created.id).catch(async (error) => {
        await deleteLiveInput(sql, created.id);
        throw error;
      });
      liveInput = { ...created, srtPort: srt!.port };
    }
    log.info({ event: 'live_input_created', liveInputId: liveInput.id, srtPort: liveInput.srtPort, restreamTargets: liveInput.restreamTargets.length }, 'live input created');
    return c.json(liveInputWithKey(liveInput, streamKey, urls(), srt), 201, { Location: `${deps.publicUrl}/v1/live-inputs/${liveInput.id}` });
  });

  const withNow = async (inputs: LiveInput[]) => {
    const now = deps.readLiveNow ? await deps.readLiveNow(inputs) : new Map<string, LiveNow>();
    return inputs.map((input) => liveInputView(input, urls(), now.get(input.id)));
  };

  app.get('/', async (c) => c.json({ liveInputs: await withNow(await listLiveInputs(sql)) }));

  app.get('/:id', validate('param', IdParam), async (c) => {
    const { id } = c.req.valid('param');
    const input = await getLiveInput(sql, id);
    if (!input) throw noLiveInput(id);
    return c.json((await withNow([input]))[0]);
  });

  /** A new key; the old one is refused at the next publish. */
  app.post('/:id/rotate-key', validate('param', IdParam), async (c) => {
    const { id } = c.req.valid('param');
    const rotated = await rotateStreamKey(sql, id);
    if (!rotated) throw noLiveInput(id);
    // The SRT passphrase is renewed with the key: one action for "my credentials leaked".
    const srt = rotated.liveInput.srtPort !== null && deps.srt ? await issueSrt(id) : null;
    log.info({ event: 'live_input_key_rotated', liveInputId: id, srtRenewed: srt !== null }, 'stream key rotated');
    return c.json(liveInputWithKey(rotated.liveInput, rotated.streamKey, urls(), srt));
  });

  /** Turns SRT ingest on (or renews its passphrase): answers the SRT URL with the passphrase, once. */
  app.post('/:id/srt', validate('param', IdParam), async (c) => {
    const { id } = c.req.valid('param');
    const srt = await issueSrt(id);
    const input = srt && (await getLiveInput(sql, id));
    if (!srt || !input) throw noLiveInput(id);
    log.info({ event: 'live_input_srt_issued', liveInputId: id, srtPort: srt.port }, 'SRT ingest credentials issued');
    const view = liveInputWithKey(input, '', urls(), srt);
    return c.json({ ...(await withNow([input]))[0], srtPublishUrl: view.srtPublishUrl, srtPassphrase: view.srtPassphrase });
  });

  /** Turns SRT ingest off: the relay stops the listener within its poll interval. */
  app.delete('/:id/srt', validate('param', IdParam), async (c) => {
    const { id } = c.req.valid('param');
    if (!(await removeSrt(sql, id))) throw noLiveInput(id);
    log.info({ event: 'live_input_srt_removed', liveInputId: id }, 'SRT ingest turned off');
    return c.body(null, 204);
  });

  /** Best effort: the row changed already; a broadcast that misses the signal applies it at its next start. */
  const tellBroadcast = async (id: string) => {
    const input = await getLiveInput(sql, id);
    if (!input || !BROADCASTING.has(input.status) || !deps.restreamTargetsChanged) return input;
    try {
      await deps.restreamTargetsChanged(input);
    } catch (error) {
      log.warn({ event: 'restream_targets_signal_failed', liveInputId: id, err: error }, 'the running broadcast was not told its restream targets changed; they apply at its next start');
    }
    return input;
  };

  /** Adds a target (its key shown masked from now on); a running broadcast starts pushing to it at once. */
  app.post('/:id/restream-targets', validate('param', IdParam), validate('json', RestreamTarget), async (c) => {
    const { id } = c.req.valid('param');
    const added = await addRestreamTarget(sql, deps.sealed, id, c.req.valid('json'), MAX_RESTREAM_TARGETS);
    if (added === 'no-input') throw noLiveInput(id);
    if (added === 'full') throw new ApiError(409, `live input ${id} already has ${MAX_RESTREAM_TARGETS} restream targets: remove one first (DELETE /v1/live-inputs/${id}/restream-targets/:targetId)`);
    const input = await tellBroadcast(id);
    // Deleted in between: the target went with its input.
    const view = input && liveInputView(input, urls()).restreamTargets.find((target) => target.id === added.id);
    if (!view) throw noLiveInput(id);
    log.info({ event: 'restream_target_added', liveInputId: id, restreamTargetId: added.id }, 'restream target added');
    return c.json(view, 201);
  });

  /** Removes a target; a push to it in a running broadcast stops at once. */
  app.delete('/:id/restream-targets/:targetId', validate('param', TargetParam), async (c) => {
    const { id, targetId } = c.req.valid('param');
    if (!(await deleteRestreamTarget(sql, id, targetId))) throw new ApiError(404, `live input ${id} has no restream target ${targetId}`);
    await tellBroadcast(id);
    log.info({ event: 'restream_target_removed', liveInputId: id, restreamTargetId: targetId }, 'restream target removed');
    return c.body(null, 204);
  });

  app.delete('/:id', validate('param', IdParam), async (c) => {
    const { id } = c.req.valid('param');
    const deleted = await deleteLiveInput(sql, id);
    if (!deleted) throw noLiveInput(id);
    log.info({ event: 'live_input_deleted', liveInputId: id }, 'live input deleted');
    return c.body(null, 204);
  });

  return app;
}
