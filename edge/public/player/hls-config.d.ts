// Types for the tests that import this browser module.
export function hlsConfig(options: { live: boolean }): { enableWorker: boolean; backBufferLength: number; lowLatencyMode: boolean; maxLiveSyncPlaybackRate?: number };
