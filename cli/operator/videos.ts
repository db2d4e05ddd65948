import type { Command } from 'commander';
import { VideoChatRoom, VideoVisibility } from '../../contracts/channels.ts';
import { CliError } from '../lib/errors.ts';
import { originClient } from '../lib/api-client.ts';
import { loadCliConfig } from '../lib/config.ts';
import { printJson, printLine, printTable } from '../lib/output.ts';
import { formatAgo, formatBytes, formatSeconds } from '../lib/units.ts';
import type { VideoView } from '../lib/video-types.ts';

/** Pure: one table row per video (id, state with %, title, duration, size, age). */
export function videoRows(videos: VideoView[], nowMs: number): string[][] {
  return videos.map((v) => [
    v.id,
    v.state === 'PROCESSING' || v.state === 'PLAYABLE' ? `${v.state} ${Math.floor(v.progress * 100)}%` : v.state,
    v.title.length > 40 ? `${v.title.slice(0, 39)}…` : v.title,
    v.durationSeconds === null ? '' : formatSeconds(v.durationSeconds),
    typeof v.source?.size === 'number' ? formatBytes(v.source.size) : '',
    formatAgo(Date.parse(v.createdAt), nowMs),
  ]);
}

/** Pure: what `vora videos rm` prints; a shield that did not acknowledge its purge yet is named, with why. */
export function deletedVideoLines(video: VideoView): string[] {
  const unfinished = (video.shieldPurges ?? []).filter((purge) => purge.state !== 'done');
  return [
    `deleted video ${video.id}`,
    ...unfinished.map((purge) =>
      purge.state === 'pending'
        ? `shield ${purge.shield} may still serve it for now (${purge.lastError ?? 'not tried yet'}): the origin retries the purge in the background until the shield acknowledges`
        : `shield ${purge.shield} may still serve it: the origin gave up purging it (${purge.lastError ?? 'unknown cause'}); fix the shield, then run this again`,
    ),
  ];
}

/** Every page of GET /v1/videos (bounded: a runaway cursor must not loop forever). */
async function listAllVideos(api: ReturnType<typeof originClient>): Promise<VideoView[]> {
  const videos: VideoView[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1_000; page++) {
    const query: string = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : '?limit=100';
    const answer: { videos: VideoView[]; nextCursor: string | null } = await api.request('GET', `/v1/videos${query}`);
    videos.push(...answer.videos);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return videos;
}

export interface VideoSetOptions {
  title?: string;
  channel?: string;
  chatRoom?: string;
  visibility?: string;
  json?: boolean;
}

/** Pure: the body of PATCH /v1/videos/:id from `vora videos set`'s options (`--channel none` leaves the channel). */
export function videoSettingsBody(options: VideoSetOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (options.title !== undefined) body.title = options.title;
  if (options.channel !== undefined) body.channelId = options.channel === 'none' ? null : options.channel;
  if (options.chatRoom !== undefined) {
    const room = VideoChatRoom.safeParse(options.chatRoom);
    if (!room.success) throw new CliError(`--chat-room ${JSON.stringify(options.chatRoom)} is not one of ${VideoChatRoom.options.join(', ')}: channel = the channel's shared room, video = a room of its own, off = no chat`);
    body.chatRoom = room.data;
  }
  if (options.visibility !== undefined) {
    const visibility = VideoVisibility.safeParse(options.visibility);
    if (!visibility.success) throw new CliError(`--visibility ${JSON.stringify(options.visibility)} is not public or unlisted: public = listed on its channel's page, unlisted = only through signed links`);
    body.visibility = visibility.data;
  }
  if (Object.keys(body).length === 0) throw new CliError('nothing to change: give --title, --channel, --chat-room or --visibility');
  return body;
}

/** Pure: the room a video's watch page joins, said for an operator. */
export function chatRoomLine(video: Pick<VideoView, 'id' | 'channelId' | 'chatRoom'>): string {
  if (video.chatRoom === 'off') return 'off (no chat beside this video)';
  if (video.chatRoom === 'channel' && video.channelId) return `channel-${video.channelId} (shared with the channel's videos)`;
  return `video-${video.id} (its own)`;
}

function showVideo(video: VideoView): void {
  const lines = [
    ['id', video.id],
    ['title', video.title],
    ['channel', video.channelId ?? '—'],
    ['chat room', chatRoomLine(video)],
    ['visibility', video.visibility],
    ['state', video.state === 'FAILED' ? `FAILED: ${video.failureReason ?? 'no reason recorded'}` : `${video.state} (${Math.floor(video.progress * 100)}%)`],
    ['duration', video.durationSeconds === null ? '—' : formatSeconds(video.durationSeconds)],
    ['source size', typeof video.source?.size === 'number' ? formatBytes(video.source.size) : '—'],
    ['playback', video.playback ? `\`vora sign ${video.id}\` makes a watch link and a signed playlist URL` : '— (not playable yet)'],
    ['renditions', (video.renditions ?? []).map((r) => `${r.name} ${r.width}x${r.height}`).join(', ') || '—'],
    ['created', video.createdAt],
    ['updated', video.updatedAt],
  ];
  for (const [label, value] of lines) printLine(`${label!.padEnd(12)} ${value}`);
}

const videoPath = (id: string) => `/v1/videos/${encodeURIComponent(id)}`;

/** `vora videos ls | show ID | rm ID`. */
export function registerVideosCommand(program: Command): void {
  const videos = program.command('videos').description('list, inspect and delete videos');

  videos
    .command('ls')
    .description('list videos, newest first')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const all = await listAllVideos(originClient(loadCliConfig()));
      if (options.json) printJson({ videos: all });
      else printTable(['id', 'state', 'title', 'duration', 'size', 'created'], videoRows(all, Date.now()), 'no videos yet: `vora upload FILE` adds one');
    });

  videos
    .command('show')
    .argument('<id>', 'video id (vid_…)')
    .description('one video: state, progress, renditions, playlist URL')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const video = await originClient(loadCliConfig()).request<VideoView>('GET', videoPath(id));
      if (options.json) printJson(video);
      else showVideo(video);
    });

  videos
    .command('set')
    .argument('<id>', 'video id (vid_…)')
    .option('--title <title>', 'a new title')
    .option('--channel <id>', 'move it into this channel (`none` takes it out of its channel)')
    .option('--chat-room <room>', 'which room its watch page joins: channel (shared, the default), video (its own) or off')
    .option('--visibility <v>', "public (listed on its channel's page, anyone may watch) or unlisted (signed links only)")
    .option('--json', 'print JSON')
    .description('change a video’s title, channel, chat room or visibility')
    .action(async (id: string, options: VideoSetOptions) => {
      const video = await originClient(loadCliConfig()).request<VideoView>('PATCH', videoPath(id), videoSettingsBody(options));
      if (options.json) printJson(video);
      else printLine(`video ${video.id}: channel ${video.channelId ?? '—'}, ${video.visibility}, chat room ${chatRoomLine(video)}`);
    });

  videos
    .command('rm')
    .argument('<id>', 'video id (vid_…)')
    .description('delete a video and its stored objects')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const video = await originClient(loadCliConfig()).request<VideoView>('DELETE', videoPath(id));
      if (options.json) printJson(video);
      else for (const line of deletedVideoLines(video)) printLine(line);
    });
}
