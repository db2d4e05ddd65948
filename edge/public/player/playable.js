// Waits, before the player starts, until the edge has something to play: a video still processing answers
// 409 `not_playable_yet` with Retry-After, and the page says so and asks again by itself.

export const NOT_PLAYABLE_YET = 'not_playable_yet';
export const PROCESSING_MESSAGE = 'This video is still processing. It will start by itself in a moment…';
/** Longest pause between two asks, whatever Retry-After says. */
export const MAX_RETRY_DELAY_MS = 15_000;
/** After this long the page stops asking and says so (a reload starts again). */
export const MAX_WAIT_MS = 15 * 60_000;

/** Pure: how long to wait before asking again, from the answer's Retry-After (seconds) and the attempt number. */
export function retryDelayMs(retryAfter, attempt) {
  const seconds = /^\d{1,6}$/.test((retryAfter ?? '').trim()) ? Number(retryAfter) : Math.min(2 ** attempt, 15);
  return Math.min(MAX_RETRY_DELAY_MS, Math.max(1_000, seconds * 1_000));
}

/**
 * Resolves `{playable: true}` once `url` answers anything but 409 `not_playable_yet` (the player then
 * reports real errors itself), or `{playable: false, message}` after `maxWaitMs`. `onWaiting(message)` is
 * called on each 409. `fetchImpl`, `sleep` and `now` are injectable for tests.
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
    if (response.status !== 409 || (await errorCode(response)) !== NOT_PLAYABLE_YET) return { playable: true };
    onWaiting?.(PROCESSING_MESSAGE);
    if (now() - started >= maxWaitMs) {
      return { playable: false, message: 'This video is taking longer than usual to process. Please reload the page later.' };
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
