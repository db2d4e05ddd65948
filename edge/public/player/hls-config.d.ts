// Types for the tests that import this browser module.
export function hlsConfig(options: { live: boolean }): { enableWorker: boolean; backBufferLength: number; lowLatencyMode: boolean; maxLiveSyncPlaybackRate?: number };
export const STANDARD_LIVE_SEGMENTS_BEHIND: number;
export function standardLiveTargetLatency(details: { live: boolean; targetduration: number; partList?: unknown[] | null; partTarget?: number; canBlockReload?: boolean } | null | undefined): number | null;
