// Types for the workers-tier tests that import this browser module.
export function liveBadgeText(behindSeconds: number | null, ended: boolean): string;
export function secondsBehindLive(video: { seekable?: { length: number; end(index: number): number } | null; currentTime: number }, hls?: { latency?: number } | null): number | null;
export function broadcastNumber(masterText: string | null | undefined): number | null;
export function waitForNextBroadcast(url: string, endedBroadcast: number | null, options?: { fetchImpl?: (url: string, init?: RequestInit) => Promise<Response>; sleep?: (ms: number) => Promise<void>; now?: () => number; pollMs?: number; maxWaitMs?: number }): Promise<{ started: boolean }>;
export function liveClockText(behindSeconds: number | null): string;
export const LIVE_EDGE_SLACK_SECONDS: number;
export const NEXT_BROADCAST_POLL_MS: number;
export const MAX_NEXT_BROADCAST_WAIT_MS: number;
