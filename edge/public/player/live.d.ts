// Types for the workers-tier tests that import this browser module.
export function liveBadgeText(behindSeconds: number | null, ended: boolean): string;
export function secondsBehindLive(video: { seekable?: { length: number; end(index: number): number } | null; currentTime: number }, hls?: { latency?: number } | null): number | null;
