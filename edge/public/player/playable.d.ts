// Types for the workers-tier tests that import this browser module.
export const NOT_PLAYABLE_YET: 'not_playable_yet';
export const STREAM_OFFLINE: 'stream_offline';
export const PROCESSING_MESSAGE: string;
export const OFFLINE_MESSAGE: string;
export const MAX_LIVE_WAIT_MS: number;
export const MAX_RETRY_DELAY_MS: number;
export const MAX_WAIT_MS: number;
export function retryDelayMs(retryAfter: string | null, attempt: number): number;
export function waitUntilPlayable(
  url: string,
  options?: {
    onWaiting?: (message: string) => void;
    fetchImpl?: (url: string, init?: RequestInit) => Promise<Response>;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
    maxWaitMs?: number;
  },
): Promise<{ playable: true } | { playable: false; message: string }>;
