import type { VideoChatRoom } from '../../../contracts/channels.ts';
import { watchRoom } from '../../../contracts/playback-token.ts';
import { escapeHtml, jsonForScript } from './html.ts';

/** What the page's scripts read from `#watch-config` (edge/public/player/main.js). */
export interface WatchConfig {
  videoId: string;
  /** A live input's page: LIVE badge and seconds behind live, "offline" while nothing is broadcast. */
  live: boolean;
  /** The playback JWT: the beacons' `Authorization: Bearer`, and the `/v/{token}/…` prefix. */
  playbackToken: string;
  masterUrl: string;
  thumbnailUrl: string;
  storyboardVttUrl: string;
  beaconUrl: string;
  /**
   * The room beside the video (`watchRoom` of the token's claims), null when the video has no chat. `token` is a
   * chat token that came with the page (a user an app vouches for); without one the page joins with the playback
   * token: it reads, and writes under a display name the viewer picks when the room lets guests write.
   */
  chat: { room: string; token: string | null } | null;
}

export function watchConfig(input: { videoId: string; token: string; chatToken?: string | undefined; live?: boolean; channel?: string | undefined; chat?: VideoChatRoom | undefined }): WatchConfig {
  const base = `/v/${input.token}`;
  const live = input.live === true;
  const room = watchRoom({ sub: input.videoId, live: live || undefined, channel: input.channel, chat: input.chat });
  return {
    videoId: input.videoId,
    live,
    playbackToken: input.token,
    masterUrl: `${base}/master.m3u8`,
    thumbnailUrl: `${base}/thumbnail.jpg`,
    storyboardVttUrl: `${base}/storyboard.vtt`,
    beaconUrl: '/beacon',
    chat: room ? { room, token: input.chatToken ?? null } : null,
  };
}

const head = (title: string, extra = '') => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/player/watch.css">
${extra}</head>`;

const chatPanel = (config: WatchConfig) =>
  config.chat
    ? `<aside id="chat" class="chat" aria-labelledby="chat-title">
  <div class="chat-head"><h2 id="chat-title">Chat</h2><p id="chat-presence" class="chat-presence">Connecting…</p></div>
  <p id="chat-status" class="chat-status" role="status"></p>
  <ol id="chat-log" class="chat-log" role="log" aria-live="polite" aria-relevant="additions" aria-label="Chat messages" tabindex="0"></ol>
  <form id="chat-form" class="chat-form">
    <label id="chat-input-label" for="chat-input" class="visually-hidden">Message</label>
    <input id="chat-input" name="text" type="text" maxlength="500" autocomplete="off" placeholder="Say something…" required disabled>
    <button id="chat-send" type="submit" disabled>Send</button>
  </form>
</aside>`
    : `<aside id="chat" class="chat" aria-labelledby="chat-title">
  <div class="chat-head"><h2 id="chat-title">Chat</h2></div>
  <p class="chat-unavailable">This video has no chat. It plays as usual.</p>
</aside>`;

// Material Design icon paths (Apache-2.0), inline: no icon font, no emoji font needed on the viewer's machine.
const ICON_PATHS = {
  play: 'M8 5v14l11-7z',
  pause: 'M6 5h4v14H6zm8 0h4v14h-4z',
  volume: 'M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.23v2.06a7 7 0 0 1 0 13.42v2.06A9 9 0 0 0 14 3.23z',
  muted: 'M16.5 12A4.5 4.5 0 0 0 14 8v2.2l2.45 2.45c.03-.2.05-.4.05-.65zM19 12c0 .94-.2 1.82-.54 2.64l1.51 1.51A8.8 8.8 0 0 0 21 12c0-4.28-2.99-7.86-7-8.77v2.06c2.89.86 5 3.54 5 6.71zM4.27 3 3 4.27 7.73 9H3v6h4l5 5v-6.73l4.25 4.25c-.67.52-1.42.93-2.25 1.18v2.06a9 9 0 0 0 3.69-1.81L19.73 21 21 19.73l-9-9L4.27 3zM12 4 9.91 6.09 12 8.18V4z',
  fullscreen: 'M7 14H5v5h5v-2H7v-3zm-2-4h2V7h3V5H5v5zm12 7h-3v2h5v-5h-2v3zM14 5v2h3v3h2V5h-5z',
  exitFullscreen: 'M5 16h3v3h2v-5H5v2zm3-8H5v2h5V5H8v3zm6 11h2v-3h3v-2h-5v5zm2-11V5h-2v5h5V8h-3z',
} as const;

/** A two-state control: CSS shows the `off` icon until the script sets `data-on` (and the matching aria-label). */
const toggleButton = (id: string, label: string, off: keyof typeof ICON_PATHS, on: keyof typeof ICON_PATHS) =>
  `<button id="${id}" class="control" type="button" aria-label="${label}">${[['off', off], ['on', on]]
    .map(([state, name]) => `<svg class="icon icon-${state}" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="${ICON_PATHS[name as keyof typeof ICON_PATHS]}"/></svg>`)
    .join('')}</button>`;

/** HTML around the player (the channel page puts its header above and its videos below); trusted markup, escaped by its maker. */
export interface PageFrame {
  title?: string;
  before?: string;
  after?: string;
}

/** The watch page: a player with its own labelled controls, and the chat beside it. */
export function renderWatchPage(config: WatchConfig, frame: PageFrame = {}): string {
  const scripts = `<script type="application/json" id="watch-config">${jsonForScript(config)}</script>
<script src="/vendor/hls.min.js" defer></script>
<script type="module" src="/player/main.js"></script>
`;
  return `${head(frame.title ?? `${config.live ? 'Live' : 'Watch'} ${config.videoId} — Vora`, scripts)}
<body>
<a class="skip-link" href="#chat">Skip to chat</a>
${frame.before ?? ''}<main class="watch">
<section class="player" aria-label="Video player">
  <div class="stage">
    ${config.live ? '<p id="live-badge" class="live-badge" role="status" aria-live="off">LIVE</p>\n    ' : ''}<video id="video" ${config.live ? '' : `poster="${escapeHtml(config.thumbnailUrl)}" `}data-src="${escapeHtml(config.masterUrl)}" playsinline preload="metadata" aria-label="Video ${escapeHtml(config.videoId)}"></video>
    <p id="player-status" class="player-status" role="status"></p>
  </div>
  <div class="controls" role="group" aria-label="Playback controls">
    ${toggleButton('play', 'Play', 'play', 'pause')}
    <div class="scrub">
      <label for="seek" class="visually-hidden">Seek</label>
      <input id="seek" type="range" min="0" max="0" step="0.1" value="0" aria-valuetext="0:00 of 0:00">
      <div id="preview" class="preview" hidden><div class="preview-image"></div><span class="preview-time"></span></div>
    </div>
    <span id="time" class="time">0:00 / 0:00</span>
    ${toggleButton('mute', 'Mute', 'volume', 'muted')}
    <label for="quality" class="visually-hidden">Quality</label>
    <select id="quality" class="quality"><option value="-1">Auto</option></select>
    <label for="captions" class="visually-hidden">Captions</label>
    <select id="captions" class="quality" hidden><option value="off">Captions off</option></select>
    ${toggleButton('fullscreen', 'Full screen', 'fullscreen', 'exitFullscreen')}
  </div>
  <noscript><p>The player needs JavaScript. The stream is at <a href="${escapeHtml(config.masterUrl)}">this HLS playlist</a>.</p></noscript>
</section>
${chatPanel(config)}
</main>
${frame.after ?? ''}</body>
</html>
`;
}

/** A polite refusal for a person (the API-style JSON goes to clients that do not ask for HTML). */
export function renderRefusalPage(title: string, message: string): string {
  return renderPlainPage(`${title} — Vora`, `<main class="refusal">
  <h1>${escapeHtml(title)}</h1>
  <p>${escapeHtml(message)}</p>
</main>`);
}

/** A page without the player: the stylesheet and `body` (trusted markup). */
export function renderPlainPage(title: string, body: string): string {
  return `${head(title)}
<body>
${body}
</body>
</html>
`;
}
