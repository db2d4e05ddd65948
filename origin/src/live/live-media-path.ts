import { ID_PATTERN, NAME_PATTERN } from '../../../contracts/ids.ts';
import { liveKeys } from '../../../contracts/live.ts';
import { contentTypes, type MediaTarget } from '../gateway/media-path.ts';

/** What a path under `/media/live/` names, decided before any I/O. Pure. */
export type LiveMediaPathResult = { ok: true; target: MediaTarget & { inputId: string } } | { ok: false; reason: string };

const broadcastPattern = /^b([1-9]\d{0,8})$/;
const initPattern = /^init(_\d{1,9})?\.mp4$/;
// A low-latency rendition's parts (`seg_00012.part3.m4s`) are media segments too; only its packager has them.
const segmentPattern = /^seg_\d{5,9}(\.part\d{1,4})?\.m4s$/;

/**
 * `{inputId}/master.m3u8` or `{inputId}/b{n}/{rung}/{playlist.m3u8 | init_N.mp4 | seg_NNNNN.m4s | seg_NNNNN.partK.m4s}`; anything else
 * (every `..`, `%2f`, unexpected character) is refused.
 */
export function parseLiveMediaPath(segments: readonly string[]): LiveMediaPathResult {
  const [inputId, ...rest] = segments;
  if (inputId === undefined || !ID_PATTERN.test(inputId)) return { ok: false, reason: 'the live input id must be 1–64 characters of A–Z, a–z, 0–9, _ or -' };
  if (rest.length === 1 && rest[0] === 'master.m3u8') {
    return { ok: true, target: { inputId, videoId: inputId, kind: 'master', key: liveKeys.master(inputId), contentType: contentTypes.m3u8 } };
  }
  if (rest.length === 3) {
    const [folder, rung, file] = rest as [string, string, string];
    const broadcast = broadcastPattern.exec(folder);
    if (!broadcast || !NAME_PATTERN.test(rung)) return { ok: false, reason: 'live rendition paths are /media/live/{inputId}/b{n}/{rung}/{file}' };
    const key = liveKeys.rendition(inputId, Number(broadcast[1]), rung, file);
    if (file === 'playlist.m3u8') return { ok: true, target: { inputId, videoId: inputId, kind: 'playlist', key, contentType: contentTypes.m3u8 } };
    if (initPattern.test(file)) return { ok: true, target: { inputId, videoId: inputId, kind: 'init', key, contentType: contentTypes.mp4 } };
    if (segmentPattern.test(file)) return { ok: true, target: { inputId, videoId: inputId, kind: 'segment', key, contentType: contentTypes.m4s } };
    return { ok: false, reason: 'a live rendition file is playlist.m3u8, init_N.mp4, seg_NNNNN.m4s or seg_NNNNN.partK.m4s' };
  }
  return { ok: false, reason: 'live media paths are /media/live/{inputId}/master.m3u8 or /media/live/{inputId}/b{n}/{rung}/{file}' };
}
