import { Hono } from 'hono';
import { z } from 'zod';
import { CaptionKind, CaptionLabel, CaptionLanguage, CaptionTrackId, type CaptionTrackCreated, type CaptionTrackList, type CaptionTrackView } from '../../../contracts/captions.ts';
import { ApiError } from '../api/errors.ts';
import { validate } from '../api/validate.ts';
import { VideoIdParam } from '../api/video-schemas.ts';
import { getVideo } from '../db/videos.ts';
import type { CaptionFormat } from './caption-file.ts';
import { deleteCaptionTrack, listCaptionTracks, storeCaptionTrack, type CaptionStoreDeps, type CaptionTrack } from './track-store.ts';

const AddTrackQuery = z.object({
  language: CaptionLanguage,
  label: CaptionLabel.optional(),
  kind: CaptionKind.default('subtitles'),
});
const TrackParam = VideoIdParam.extend({ trackId: CaptionTrackId });

/** The API's view of a track: no storage key. */
export function captionTrackView(track: CaptionTrack): CaptionTrackView {
  return {
    id: track.id,
    videoId: track.videoId,
    language: track.language,
    label: track.label,
    kind: track.kind,
    generated: track.generated,
    cueCount: track.cueCount,
    bytes: track.bytes,
    createdAt: track.createdAt.toISOString(),
  };
}

/** The language's own name for itself (`fr` → `français`), the label when none is given; the tag if ICU has none. */
export function defaultCaptionLabel(language: string): string {
  try {
    return new Intl.DisplayNames([language], { type: 'language' }).of(language) ?? language;
  } catch {
    return language;
  }
}

/** What the body is, by Content-Type; anything else is told apart by the WebVTT signature. */
function formatOf(contentType: string | undefined): CaptionFormat | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  if (type === 'text/vtt') return 'webvtt';
  if (type === 'application/x-subrip' || type === 'text/srt' || type === 'application/srt') return 'srt';
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `/v1/videos/:id/captions`: add a track (`POST`, the WebVTT or SRT file as the body; `?language=fr&label=…&kind=`),
 * list them, delete one. Scopes (api/scopes.ts): `videos:read` to list, `videos:write` to add or delete.
 */
export function captionRoutes(deps: CaptionStoreDeps): Hono {
  const app = new Hono();

  app.post('/:id/captions', validate('param', VideoIdParam), validate('query', AddTrackQuery), async (c) => {
    const { id } = c.req.valid('param');
    const query = c.req.valid('query');
    let text: string;
    try {
      text = utf8.decode(await c.req.arrayBuffer());
    } catch {
      throw new ApiError(400, 'the caption file is not UTF-8 text: save it as UTF-8 (WebVTT requires it) and send it again');
    }
    if (text.trim().length === 0) throw new ApiError(400, 'the body is empty: send the WebVTT or SRT file as the request body (curl --data-binary @file.vtt)');
    const result = await storeCaptionTrack(deps, {
      videoId: id,
      language: query.language,
      label: query.label ?? defaultCaptionLabel(query.language),
      kind: query.kind,
      generated: false,
      text,
      format: formatOf(c.req.header('Content-Type')),
    });
    if (!result.ok) {
      if (result.reason === 'malformed') {
        const what = result.format === 'webvtt' ? 'WebVTT' : 'SRT';
        throw new ApiError(400, `the ${what} file is malformed at line ${result.line}: ${result.error}`, { fields: { line: result.line, format: result.format } });
      }
      if (result.reason === 'no_video') throw new ApiError(404, result.error);
      throw new ApiError(409, result.error);
    }
    const created: CaptionTrackCreated = { ...captionTrackView(result.track), replaced: result.replaced };
    return c.json(created, 201);
  });

  app.get('/:id/captions', validate('param', VideoIdParam), async (c) => {
    const { id } = c.req.valid('param');
    const video = await getVideo(deps.sql, id);
    if (!video || video.state === 'DELETED') throw new ApiError(404, `no video ${id}`);
    const list: CaptionTrackList = { tracks: (await listCaptionTracks(deps.sql, id)).map(captionTrackView) };
    return c.json(list);
  });

  app.delete('/:id/captions/:trackId', validate('param', TrackParam), async (c) => {
    const { id, trackId } = c.req.valid('param');
    const deleted = await deleteCaptionTrack(deps, id, trackId);
    if (!deleted) throw new ApiError(404, `video ${id} has no caption track ${trackId} (GET /v1/videos/${id}/captions lists them)`);
    return c.json(captionTrackView(deleted));
  });

  return app;
}
