import { z } from 'zod';
import { VideoId } from './ids.ts';

/**
 * Caption tracks of a video (issue 25): what the origin's `/v1/videos/:id/captions` answers, what the CLI reads,
 * and the names the gateway, the edge and the watch page share. Uploaded tracks and automatically generated ones
 * (`generated: true`) have one shape.
 */

/** `subtitles`: the dialogue, for viewers who hear; `captions`: dialogue and sounds, for viewers who do not (SDH). */
export const CAPTION_KINDS = ['subtitles', 'captions'] as const;
export const CaptionKind = z.enum(CAPTION_KINDS);
export type CaptionKind = z.infer<typeof CaptionKind>;

/** A track's id is also its folder beside the renditions (`{videoId}/{trackId}/`), so it has its own prefix. */
export const CAPTION_TRACK_PREFIX = 'cap_';
export const CAPTION_TRACK_FOLDER = /^cap_[A-Za-z0-9_-]{1,28}$/;
export const CaptionTrackId = z.string().regex(CAPTION_TRACK_FOLDER, 'a caption track id is cap_ followed by 1-28 characters of A-Z, a-z, 0-9, _ or -');

/** The HLS subtitle group every variant names (`SUBTITLES="subs"`). */
export const SUBTITLE_GROUP_ID = 'subs';

/**
 * A BCP-47 language tag, canonicalised (`en-us` → `en-US`) with the runtime's own BCP-47 parser
 * (`Intl.getCanonicalLocales`, in Node and in workerd alike). The primary subtag must be an ISO 639 code (2-3
 * letters): the 5-8 letter form BCP-47 reserves is unused, and refusing it catches `english`. Pure.
 */
export function canonicalLanguageTag(tag: string): string | null {
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag) || tag.length > 35) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical ?? null;
  } catch {
    return null;
  }
}

export const CaptionLanguage = z.string().transform((tag, context) => {
  const canonical = canonicalLanguageTag(tag);
  if (canonical === null) {
    context.addIssue({ code: 'custom', message: `"${tag.slice(0, 40)}" is not a BCP-47 language tag (e.g. en, fr, pt-BR, zh-Hant)` });
    return z.NEVER;
  }
  return canonical;
});

/** A player menu shows it, and it is written between quotes in the master playlist: no quotes, no control characters. */
export const CaptionLabel = z
  .string()
  .trim()
  .min(1, 'a label must not be empty')
  .max(64, 'a label is at most 64 characters')
  .refine((label) => !/["\p{Cc}]/u.test(label), 'a label must not contain double quotes or control characters');

/** One track as `/v1/videos/:id/captions` shows it (origin/src/captions/track-view.ts writes it). */
export const CaptionTrackView = z.object({
  id: CaptionTrackId,
  videoId: VideoId,
  language: z.string(),
  label: z.string(),
  kind: CaptionKind,
  /** Made by the speech engine (issue 25's automatic captions); an uploaded track of the same language replaces it. */
  generated: z.boolean(),
  cueCount: z.number().int().nonnegative(),
  /** Size of the stored WebVTT. */
  bytes: z.number().int().nonnegative(),
  createdAt: z.iso.datetime(),
});
export type CaptionTrackView = z.infer<typeof CaptionTrackView>;

/** `GET /v1/videos/:id/captions`. */
export const CaptionTrackList = z.object({ tracks: z.array(CaptionTrackView) });
export type CaptionTrackList = z.infer<typeof CaptionTrackList>;

/** `POST /v1/videos/:id/captions` (201): the stored track, and the generated track it replaced, if any. */
export const CaptionTrackCreated = CaptionTrackView.extend({ replaced: z.array(CaptionTrackId) });
export type CaptionTrackCreated = z.infer<typeof CaptionTrackCreated>;
