// Waits, before the player starts, until the edge has something to play: a video still processing answers
// 409 `not_playable_yet`, a live stream nobody broadcasts yet 409 `stream_offline`, both with Retry-After;
// the page says so and asks again by itself.

export const NOT_PLAYABLE_YET = 'not_playable_yet';
export const STREAM_OFFLINE = 'stream_offline';
export const PROCESSING_MESSAGE = 'This video is still processing. It will start by itself in a moment…';
export const OFFLINE_MESSAGE = 'Offline — waiting for the stream. It will start by itself when the broadcast begins…';
const WAITING_MESSAGES = { [NOT_PLAYABLE_YET]: PROCESSING_MESSAGE, [STREAM_OFFLINE]: OFFLINE_MESSAGE };
/** Longest pause between two asks, whatever Retry-After says. */
export const MAX_RETRY_DELAY_MS = 15_000;
/** After this long the page stops asking and says so (a reload starts again); a live page waits longer for its broadcast. */
export const MAX_WAIT_MS = 15 * 60_000;
export const MAX_LIVE_WAIT_MS = 6 * 3600_000;

/** Pure: how long to wait before asking again, from the answer's Retry-After (seconds) and the attempt number. */
export function retryDelayMs(retryAfter, attempt) {
  const seconds = /^\d{1,6}$/.test((retryAfter ?? '').trim()) ? Number(retryAfter) : Math.min(2 ** attempt, 15);
  return Math.min(MAX_RETRY_DELAY_MS, Math.max(1_000, seconds * 1_000));
}

/**
 * Resolves `{playable: true}` once `url` answers anything but a 409 `not_playable_yet` or `stream_offline` (the
 * player then reports real errors itself), or `{playable: false, message}` after `maxWaitMs`. `onWaiting(message)`
 * is called on each such 409. `fetchImpl`, `sleep` and `now` are injectable for tests.
 */
export async function waitUntilPlayable(url, { onWaiting, fetchImpl = fetch, sleep = defaultSleep, now = Date.now, maxWaitMs = MAX_WAIT_MS } = {}) {
  const started = now();
  for (let attempt = 0; ; attempt += 1) {
    let response;
    try {
      response = await fetchImpl(url, { cache: 'no-store' });
    } catch {
      return { playable: true }; // a network failure is the player's to report, with its own retries
    }
    const code = response.status === 409 ? await errorCode(response) : null;
    const waiting = Object.hasOwn(WAITING_MESSAGES, code ?? '') ? WAITING_MESSAGES[code] : undefined;
    if (!waiting) return { playable: true };
    onWaiting?.(waiting);
    if (now() - started >= maxWaitMs) {
      const message = code === STREAM_OFFLINE ? 'The stream has not started. Please reload the page later.' : 'This video is taking longer than usual to process. Please reload the page later.';
      return { playable: false, message };
    }
    await sleep(retryDelayMs(response.headers.get('Retry-After'), attempt));
  }
}

async function errorCode(response) {
  try {
    return (await response.json())?.error?.code ?? null;
  } catch {
    return null;
  }
}

const defaultSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
