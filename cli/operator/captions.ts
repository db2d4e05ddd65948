import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { CAPTION_KINDS, CaptionKind, canonicalLanguageTag, type CaptionTrackCreated, type CaptionTrackList, type CaptionTrackView } from '../../contracts/captions.ts';
import { originClient } from '../lib/api-client.ts';
import { loadCliConfig } from '../lib/config.ts';
import { CliError } from '../lib/errors.ts';
import { note, printJson, printLine, printTable } from '../lib/output.ts';
import { formatBytes } from '../lib/units.ts';

/** Pure: the Content-Type a caption file is sent with: by its extension, else the origin tells by the `WEBVTT` signature. */
export function captionContentType(path: string): string {
  const extension = extname(path).toLowerCase();
  if (extension === '.vtt' || extension === '.webvtt') return 'text/vtt; charset=utf-8';
  if (extension === '.srt') return 'application/x-subrip; charset=utf-8';
  return 'text/plain; charset=utf-8';
}

/** Pure: the query of `POST /v1/videos/:id/captions`, checked before anything is sent. */
export function addCaptionQuery(options: { lang: string; label?: string; kind: string }): string {
  const language = canonicalLanguageTag(options.lang);
  if (language === null) throw new CliError(`--lang "${options.lang}" is not a BCP-47 language tag: use e.g. en, fr, pt-BR, zh-Hant`);
  if (!CaptionKind.safeParse(options.kind).success) throw new CliError(`--kind must be ${CAPTION_KINDS.join(' or ')}, not "${options.kind}"`);
  const query = new URLSearchParams({ language, kind: options.kind });
  if (options.label !== undefined) query.set('label', options.label);
  return query.toString();
}

const trackRow = (track: CaptionTrackView) => [track.id, track.language, track.label, track.kind, track.generated ? 'generated' : 'uploaded', String(track.cueCount), formatBytes(track.bytes), track.createdAt];

/** `vora captions add VIDEO FILE --lang fr [--label] [--kind] | ls VIDEO | rm VIDEO TRACK`: a video's caption tracks. */
export function registerCaptionsCommand(program: Command): void {
  const captions = program.command('captions').description('caption and subtitle tracks of a video (WebVTT or SRT; players get them as HLS subtitles)');

  captions
    .command('add')
    .argument('<video>', 'video id (vid_…)')
    .argument('<file>', 'a WebVTT (.vtt) or SRT (.srt) file, UTF-8')
    .description('add a track; an uploaded track replaces the generated track of its language')
    .requiredOption('--lang <tag>', 'BCP-47 language tag, e.g. en, fr, pt-BR')
    .option('--label <text>', 'name in the player menu (default: the language\'s own name)')
    .option('--kind <kind>', `${CAPTION_KINDS.join(' or ')} (captions: for viewers who cannot hear, sounds included)`, 'subtitles')
    .option('--json', 'print JSON')
    .action(async (video: string, file: string, options: { lang: string; label?: string; kind: string; json?: boolean }) => {
      const query = addCaptionQuery(options);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
      }
      const created = await originClient(loadCliConfig()).send<CaptionTrackCreated>('POST', `/v1/videos/${encodeURIComponent(video)}/captions?${query}`, text, captionContentType(file));
      if (options.json) return printJson(created);
      printLine(`added ${created.kind} track ${created.id} "${created.label}" (${created.language}, ${created.cueCount} cues) to ${video}`);
      if (created.replaced.length > 0) note(`it replaced the generated track ${created.replaced.join(', ')}`);
    });

  captions
    .command('ls')
    .argument('<video>', 'video id (vid_…)')
    .description('list a video\'s tracks')
    .option('--json', 'print JSON')
    .action(async (video: string, options: { json?: boolean }) => {
      const { tracks } = await originClient(loadCliConfig()).request<CaptionTrackList>('GET', `/v1/videos/${encodeURIComponent(video)}/captions`);
      if (options.json) return printJson({ tracks });
      printTable(['id', 'language', 'label', 'kind', 'source', 'cues', 'size', 'created'], tracks.map(trackRow), `video ${video} has no caption tracks`);
    });

  captions
    .command('rm')
    .argument('<video>', 'video id (vid_…)')
    .argument('<track>', 'track id (cap_…)')
    .description('delete a track: players stop listing it at once')
    .action(async (video: string, track: string) => {
      await originClient(loadCliConfig()).request('DELETE', `/v1/videos/${encodeURIComponent(video)}/captions/${encodeURIComponent(track)}`);
      printLine(`deleted caption track ${track} of ${video}`);
    });
}
