// The gateway's answers for a low-latency rendition, from its packager in memory: blocking playlist reloads and parts.
import type { Context } from 'hono';
import { ApiError } from '../api/errors.ts';
import { immutableCache } from '../gateway/cache-policy.ts';
import { contentTypes } from '../gateway/media-path.ts';
import { decideReload, isReloadSatisfied } from './llhls/blocking-reload.ts';
import { decideMediaRequest, type MediaRequestDecision } from './llhls/media-request.ts';
import type { RenditionReportInput } from './llhls/media-playlist.ts';
import type { LlhlsRendition, RenditionIds } from './llhls-rendition.ts';
import type { LlhlsRenditions } from './llhls-renditions.ts';

/** Playlists, blocking or not: each answer is right for its URL (a reload's names the part it waited for); keep it 1 s at most. */
export const llhlsPlaylistCache = 'public, max-age=1';

const respond = (c: Context, body: Uint8Array | string, contentType: string, cacheControl: string) => {
  const headers = { 'Content-Type': contentType, 'Cache-Control': cacheControl };
  return c.req.method === 'HEAD' ? new Response(null, { headers }) : new Response(body as BodyInit, { headers });
};

const reports = (renditions: LlhlsRenditions, ids: RenditionIds): RenditionReportInput[] =>
  renditions
    .siblings(ids)
    .map((sibling) => sibling.packager.reportAs(`../${sibling.ids.rendition}/playlist.m3u8`))
    .filter((report): report is RenditionReportInput => report !== null);

/**
 * A media playlist from the packager (RFC 8216bis §6.2.5.2): `_HLS_msn`/`_HLS_part` answered at once, held until the
 * part exists (503 after three target durations), or refused with 400. Null when this origin has no packager for the
 * rendition (not started here, or ended long ago): the stored playlist in MinIO answers then.
 */
export async function serveLlhlsPlaylist(c: Context, renditions: LlhlsRenditions, ids: RenditionIds): Promise<Response | null> {
  const rendition = renditions.get(ids);
  if (!rendition) return null;
  const { state, options } = rendition.packager;
  const decision = decideReload(state, options, { msn: c.req.query('_HLS_msn') ?? null, part: c.req.query('_HLS_part') ?? null });
  if (decision.kind === 'bad-request') throw new ApiError(400, decision.message, { code: 'bad_delivery_directive' });
  if (decision.kind === 'hold') {
    const ready = await rendition.held.wait(() => isReloadSatisfied(state, decision.target), decision.timeoutMs, c.req.raw.signal);
    if (!ready) throw new ApiError(503, `the part asked for (_HLS_msn=${decision.target.msn}, _HLS_part=${decision.target.part ?? '-'}) did not appear within ${decision.timeoutMs} ms: is the stream still coming?`, { code: 'part_not_ready', headers: { 'Retry-After': '1' } });
  }
  const text = rendition.packager.playlist(reports(renditions, ids));
  if (text === null) throw new ApiError(404, `${ids.rendition} has no part yet: the broadcast has just started`);
  return respond(c, text, contentTypes.m3u8, llhlsPlaylistCache);
}

const serveFromMemory = (c: Context, decision: MediaRequestDecision): Response | null => {
  switch (decision.kind) {
    case 'part':
      return respond(c, decision.part.bytes, contentTypes.m4s, immutableCache);
    case 'segment': {
      const bytes = Buffer.concat(decision.segment.parts.map((part) => part.bytes));
      return respond(c, bytes, contentTypes.m4s, immutableCache);
    }
    case 'init':
      return respond(c, decision.init.bytes, contentTypes.mp4, immutableCache);
    default:
      return null;
  }
};

/**
 * A part, segment or init segment of a low-latency rendition from memory; the preload-hinted part is held until it
 * exists (404 when the hint is withdrawn, §6.2.6). Null for what only storage may have (older segments and inits).
 */
export async function serveLlhlsMedia(c: Context, renditions: LlhlsRenditions, ids: RenditionIds, file: string): Promise<Response | null> {
  const isPart = file.includes('.part');
  const rendition: LlhlsRendition | undefined = renditions.get(ids);
  if (!rendition) {
    if (isPart) throw new ApiError(404, `${file} is not available: parts live in the origin's memory only while the broadcast is live`);
    return null;
  }
  const { state, options } = rendition.packager;
  let decision = decideMediaRequest(state, file);
  if (decision.kind === 'hold-for-hint') {
    const ready = await rendition.held.wait(() => decideMediaRequest(state, file).kind !== 'hold-for-hint', options.blockingTimeoutMs, c.req.raw.signal);
    if (!ready) throw new ApiError(503, `${file} (the preload hint) did not appear within ${options.blockingTimeoutMs} ms`, { code: 'part_not_ready', headers: { 'Retry-After': '1' } });
    decision = decideMediaRequest(state, file);
  }
  const answer = serveFromMemory(c, decision);
  if (answer) return answer;
  if (isPart) throw new ApiError(404, `${file} does not exist: not a part of this rendition's window (or its hint was withdrawn)`);
  return null;
}
