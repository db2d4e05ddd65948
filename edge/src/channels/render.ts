import type { ChannelPageData } from '../../../contracts/channels.ts';
import { formatClock } from './format.ts';
import { escapeHtml } from '../watch/html.ts';
import { renderPlainPage, renderWatchPage, watchConfig } from '../watch/page.ts';

const header = (channel: ChannelPageData['channel'], liveTitle: string | null) => `<header class="channel-head">
  ${channel.avatarUrl ? `<img class="channel-avatar" src="${escapeHtml(channel.avatarUrl)}" alt="" width="64" height="64" referrerpolicy="no-referrer">` : '<div class="channel-avatar" aria-hidden="true"></div>'}
  <div>
    <h1 class="channel-title">${escapeHtml(channel.title)}</h1>
    ${channel.description ? `<p class="channel-description">${escapeHtml(channel.description)}</p>` : ''}
    <p class="channel-status" data-on-air="${liveTitle === null ? 'false' : 'true'}">${liveTitle === null ? 'Offline' : `LIVE · ${escapeHtml(liveTitle)}`}</p>
  </div>
</header>
`;

const videoList = (videos: ChannelPageData['videos']) => `<section class="channel-videos" aria-labelledby="videos-title">
  <h2 id="videos-title">Latest videos</h2>
  ${
    videos.length === 0
      ? '<p class="channel-empty">No videos yet.</p>'
      : `<ul class="video-grid">${videos
          .map(
            (video) => `
    <li><a class="video-card" href="/watch/${encodeURIComponent(video.id)}?token=${encodeURIComponent(video.token)}">
      <img src="/v/${encodeURIComponent(video.token)}/thumbnail.jpg" alt="" loading="lazy" width="320" height="180">
      <span class="video-title">${escapeHtml(video.title)}</span>
      ${video.durationSeconds === null ? '' : `<span class="video-duration">${formatClock(video.durationSeconds)}</span>`}
    </a></li>`,
          )
          .join('')}
  </ul>`
  }
</section>
`;

/**
 * The channel page (pure): its header, the live player with the channel's chat beside it while the channel is on
 * air (the watch page's own player, `watchConfig` of the live token), and its latest public videos.
 */
export function renderChannelPage(page: ChannelPageData): string {
  const title = `${page.channel.title} — Vora`;
  if (!page.live) return renderPlainPage(title, `${header(page.channel, null)}<main class="channel">\n${videoList(page.videos)}</main>`);
  const config = watchConfig({ videoId: page.live.inputId, token: page.live.token, live: true, channel: page.channel.id, chat: 'channel' });
  return renderWatchPage(config, { title, before: header(page.channel, page.live.title), after: videoList(page.videos) });
}
