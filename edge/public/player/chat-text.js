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

/** A live event from the origin as one line (video ready, stream online…); unknown types get a generic line. */
export function describeLiveEvent(event) {
  const known = {
    'video.processing': 'This video is being prepared.',
    'video.playable': 'This video can be played; more qualities are on the way.',
    'video.ready': 'This video is ready in every quality.',
    'video.failed': "This video couldn't be prepared.",
    'video.deleted': 'This video has been removed.',
    'stream.online': 'The stream is live.',
    'stream.offline': 'The stream has ended.',
    'channel.follow': 'Someone new followed the channel.',
  };
  return known[event.type] ?? `Event: ${event.type.replace(/[._:-]+/g, ' ')}`;
}

/** `n watching` in words a screen reader reads well. */
export function presenceText(count) {
  return count === 1 ? '1 person here' : `${count} people here`;
}

/** Reconnect delay: 1 s, 2 s, 4 s… capped at 30 s, then ±25 % jitter so a room's viewers don't all return at once. */
export function reconnectDelayMs(attempt, random = Math.random) {
  return Math.round(Math.min(30_000, 1000 * 2 ** attempt) * (0.75 + random() * 0.5));
}
