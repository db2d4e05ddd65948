// Types for the workers-tier tests that import this browser module.
export type BeaconType = 'play' | 'pause' | 'seek' | 'stall' | 'stall_end' | 'bitrate_switch' | 'error' | 'ended' | 'heartbeat';
export interface BeaconEvent { type: BeaconType; at: number; position: number; bitrate?: number; rendition?: string; stallMs?: number; code?: string }
export interface BeaconBatch { sessionId: string; videoId: string; events: BeaconEvent[] }
export function beaconEvent(type: BeaconType, fields: { at: number; position: number; bitrate?: number | null; rendition?: string | null; stallMs?: number | null; code?: string | null }): BeaconEvent;
export function createBeaconQueue(options: { sessionId: string; videoId: string; send: (batch: BeaconBatch) => void; maxEvents?: number }): {
  record(event: BeaconEvent): void;
  flush(): BeaconBatch | null;
  readonly pendingCount: number;
};
