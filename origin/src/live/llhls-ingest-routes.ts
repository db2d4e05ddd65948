import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { ID_PATTERN, NAME_PATTERN } from '../../../contracts/ids.ts';
import { ApiError } from '../api/errors.ts';
import type { Sql } from '../db/sql.ts';
import { getLiveInput } from './live-input-rows.ts';
import type { LlhlsRenditions } from './llhls-renditions.ts';
import type { RenditionIds } from './llhls-rendition.ts';

export interface LlhlsIngestDeps {
  sql: Sql;
  log: Logger;
  renditions: LlhlsRenditions;
}

const broadcastPattern = /^b([1-9]\d{0,8})$/;
/** How long `sections` waits for a run's PUT to be closed (FFmpeg exits before the origin has read its last bytes). */
const SECTIONS_WAIT_MS = 10_000;

function renditionIds(c: Context): RenditionIds {
  const inputId = c.req.param('inputId') ?? '';
  const broadcast = broadcastPattern.exec(c.req.param('broadcast') ?? '');
  const rendition = c.req.param('rendition') ?? '';
  if (!ID_PATTERN.test(inputId) || !broadcast || !NAME_PATTERN.test(rendition)) {
    throw new ApiError(400, 'low-latency stream paths are /internal/live/{inputId}/b{n}/{rendition}/stream.mp4');
  }
  return { inputId, broadcast: Number(broadcast[1]), rendition };
}

/**
 * The low-latency ladder's side of the origin (mounted inside the internal live routes, behind their secret):
 * `PUT …/{id}/b{n}/{rendition}/stream.mp4` — one encoder run's fragmented MP4, read as it arrives into the packager;
 * `GET …/sections` — what the rendition stored, once no run is open (`?wait=0`: so far); `POST …/{id}/b{n}/end` — EXT-X-ENDLIST.
 */
export function llhlsIngestRoutes(deps: LlhlsIngestDeps): Hono {
  const { renditions, log } = deps;
  const app = new Hono();

  app.put('/:inputId/:broadcast/:rendition/stream.mp4', async (c) => {
    const ids = renditionIds(c);
    const input = await getLiveInput(deps.sql, ids.inputId);
    if (!input) throw new ApiError(404, `no live input ${ids.inputId}`);
    if (input.latency !== 'low') throw new ApiError(409, `live input ${ids.inputId} is standard latency: its ladder writes HLS, not a stream to the packager`);
    if (ids.broadcast !== input.broadcasts) throw new ApiError(409, `broadcast ${ids.broadcast} of ${ids.inputId} is not the current one (${input.broadcasts})`);
    const body = c.req.raw.body;
    if (!body) throw new ApiError(400, 'the stream PUT has no body: FFmpeg sends fragmented MP4 with -method PUT');
    const first = Number(c.req.query('first') ?? '1');
    const rendition = renditions.open(ids, Number.isSafeInteger(first) && first >= 1 ? first : 1);
    const run = rendition.beginStream();
    let bytes = 0;
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value: chunk } = await reader.read();
        if (done) break;
        bytes += chunk.byteLength;
        const pushed = rendition.push(run, chunk);
        if (pushed.superseded) throw new ApiError(409, 'a newer run of this rendition began: this PUT is no longer read');
        if (pushed.error) throw new ApiError(400, `the stream is not readable fragmented MP4 at byte ${pushed.error.offset}: ${pushed.error.message}`);
      }
    } catch (error) {
      // A dropped connection (encoder killed) ends the run like a finished body: every whole fragment is kept.
      if (error instanceof ApiError) throw error;
      log.info({ event: 'llhls_stream_dropped', ...ids, bytes, err: error }, 'low-latency stream PUT dropped');
    } finally {
      reader.releaseLock();
      rendition.endStream(run);
      renditions.idle(ids, input.reconnectWindowSeconds);
    }
    return c.body(null, 204);
  });

  app.get('/:inputId/:broadcast/:rendition/sections', async (c) => {
    const ids = renditionIds(c);
    const rendition = renditions.get(ids);
    if (!rendition) return c.json({ sections: [] });
    // `?wait=0`: what is stored so far, while the run goes on (the ladder's heartbeat carries it).
    if (c.req.query('wait') !== '0') {
      await rendition.held.wait(() => !rendition.streaming, SECTIONS_WAIT_MS, c.req.raw.signal);
      await rendition.settled();
    }
    return c.json({ sections: rendition.sections(), streaming: rendition.streaming });
  });

  app.post('/:inputId/:broadcast/end', async (c) => {
    const inputId = c.req.param('inputId');
    const broadcast = broadcastPattern.exec(c.req.param('broadcast'));
    if (!ID_PATTERN.test(inputId) || !broadcast) throw new ApiError(400, 'the end of a low-latency broadcast is POST /internal/live/{inputId}/b{n}/end');
    const ended = await renditions.endBroadcast(inputId, Number(broadcast[1]));
    log.info({ event: 'llhls_broadcast_ended', liveInputId: inputId, broadcast: Number(broadcast[1]), renditions: ended }, 'low-latency playlists ended');
    return c.json({ renditions: ended });
  });

  return app;
}
