// What the chat panel says to a person, for each thing the room can tell it (durable-objects/README.md). Pure.

const ERROR_TEXT = {
  rate_limited: 'You are sending messages quickly. Please wait a moment.',
  slow_mode: 'Slow mode is on. You can send again shortly.',
  too_long: 'That message is too long. Please shorten it.',
  banned_word: "That message contains a word this chat doesn't allow.",
  timed_out: 'A moderator has paused your messages for a while.',
  forbidden: "You can't do that in this chat.",
  not_found: 'That message is already gone.',
  frame_too_large: 'That message is too long. Please shorten it.',
  invalid_utf8: "That message contains characters we couldn't read.",
  name_required: 'Pick a display name to chat.',
  members_only: 'Only signed-in viewers can write in this chat. You can still read along.',
};

/** An error frame as a sentence (with the wait when the room gave one); the room's own wording is never shown raw. */
export function politeChatError(frame) {
  const text = ERROR_TEXT[frame.code] ?? "That message couldn't be sent. Please try again.";
  const seconds = Math.ceil((frame.retryAfterMs ?? 0) / 1000);
  return seconds > 0 ? `${text} (about ${seconds} s)` : text;
}

/** Why the socket closed, and whether coming back would help. */
export function closeExplanation(code) {
  if (code === 4003) return { text: 'You have been removed from this chat.', reconnect: false };
  if (code === 4008) return { text: 'Too many messages were refused, so the chat disconnected. Reconnecting…', reconnect: true };
  if (code === 1008 || code === 1002) return { text: 'The chat refused this connection.', reconnect: false };
  return { text: 'Chat connection lost. Reconnecting…', reconnect: true };
}

// Event data comes from Twitch or the origin: only a short string (or a finite number) is ever shown.
const str = (value) => (typeof value === 'string' && value.trim() && value.length <= 100 ? value.trim() : null);
const num = (value) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : null);
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const TIERS = { 1000: 'Tier 1', 2000: 'Tier 2', 3000: 'Tier 3' };

const VIDEO_EVENTS = {
  'video.processing': 'This video is being prepared.',
  'video.playable': 'This video can be played; more qualities are on the way.',
  'video.ready': 'This video is ready in every quality.',
  'video.failed': "This video couldn't be prepared.",
  'video.deleted': 'This video has been removed.',
};

/** Each channel event as `{kind, text}`: the kind styles it apart from chat messages (`event-raid`…), the text says it. */
const CHANNEL_EVENTS = {
  'stream.online': (d) => ({ kind: 'live', text: str(d.broadcaster_user_name) ? `${str(d.broadcaster_user_name)} went live` : str(d.title) ? `Went live: ${str(d.title)}` : 'The stream went live.' }),
  'stream.offline': () => ({ kind: 'offline', text: 'The stream has ended.' }),
  'channel.raid': (d) => {
    const from = str(d.from_broadcaster_user_name) ?? 'another channel';
    const viewers = num(d.viewers);
    return { kind: 'raid', text: viewers === null ? `Raid from ${from}` : `Raid from ${from} with ${plural(viewers, 'viewer', 'viewers')}` };
  },
  'channel.follow': (d) => ({ kind: 'follow', text: str(d.user_name) ? `New follower: ${str(d.user_name)}` : 'Someone new followed the channel.' }),
  'channel.subscribe': (d) => {
    const who = str(d.user_name) ?? 'Someone';
    const tier = TIERS[d.tier] ? ` (${TIERS[d.tier]})` : '';
    return { kind: 'subscribe', text: d.is_gift === true ? `${who} received a gift subscription${tier}` : `${who} subscribed${tier}` };
  },
  'channel.cheer': (d) => {
    const who = d.is_anonymous === true ? 'Someone' : (str(d.user_name) ?? 'Someone');
    const bits = num(d.bits);
    return { kind: 'cheer', text: bits === null ? `${who} cheered` : `${who} cheered ${plural(bits, 'bit', 'bits')}` };
  },
  'channel.update': (d) => {
    const parts = [str(d.title), str(d.category_name)].filter(Boolean);
    return { kind: 'update', text: parts.length ? `Stream info changed: ${parts.join(' · ')}` : 'Stream info changed.' };
  },
};

/** A live event (video state, stream online, a Twitch raid…) as `{kind, text}`; unknown types get a generic line. */
export function describeLiveEvent(event) {
  if (VIDEO_EVENTS[event.type]) return { kind: 'video', text: VIDEO_EVENTS[event.type] };
  const known = CHANNEL_EVENTS[event.type];
  if (known) return known(event.data ?? {});
  return { kind: 'other', text: `Event: ${event.type.replace(/[._:-]+/g, ' ')}` };
}

/** What the chat form does after the room's welcome: write, ask for a display name, or only read (and what to say). */
export function welcomeState(frame) {
  if (frame.canWrite) return { mode: 'message', status: '' };
  if (frame.reason === 'name_required') return { mode: 'name', status: '' };
  return { mode: 'read', status: ERROR_TEXT.members_only };
}

/**
 * Why a display name would be refused, or null. The same rules as `parseGuestName` of contracts/chat.ts, which
 * the edge applies; checked here first because a refused WebSocket upgrade tells the page nothing.
 */
export function guestNameProblem(raw) {
  const name = raw.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (name.length === 0) return 'Please pick a display name.';
  if ([...name].length > 32) return 'Display names are at most 32 characters.';
  if (/[\p{Cc}\p{Cf}]/u.test(name)) return "Display names can't contain invisible formatting characters.";
  return null;
}

/** `n watching` in words a screen reader reads well. */
export function presenceText(count) {
  return count === 1 ? '1 person here' : `${count} people here`;
}

/** Reconnect delay: 1 s, 2 s, 4 s… capped at 30 s, then ±25 % jitter so a room's viewers don't all return at once. */
export function reconnectDelayMs(attempt, random = Math.random) {
  return Math.round(Math.min(30_000, 1000 * 2 ** attempt) * (0.75 + random() * 0.5));
}
