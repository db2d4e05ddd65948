// QoE beacons, in the format of contracts/beacons.ts (`at` in epoch ms): batched per page, posted to the edge's POST /beacon.

const OPTIONAL_FIELDS = ['bitrate', 'rendition', 'stallMs', 'code'];

/** One event as the beacon format spells it; absent optional fields are left out, position to the millisecond, bitrate whole. */
export function beaconEvent(type, fields) {
  const event = { type, at: Math.round(fields.at), position: Math.round(Math.max(0, fields.position || 0) * 1000) / 1000 };
  for (const name of OPTIONAL_FIELDS) {
    if (fields[name] !== undefined && fields[name] !== null) event[name] = name === 'bitrate' || name === 'stallMs' ? Math.round(fields[name]) : fields[name];
  }
  return event;
}

/**
 * Collects events and hands `send` one batch `{sessionId, videoId, events}` at a time: when `maxEvents`
 * are pending, or when `flush()` is called (timer, page hidden, ended, error). Pure apart from `send`.
 */
export function createBeaconQueue({ sessionId, videoId, send, maxEvents = 25 }) {
  let pending = [];
  const flush = () => {
    if (pending.length === 0) return null;
    const batch = { sessionId, videoId, events: pending };
    pending = [];
    send(batch);
    return batch;
  };
  return {
    record(event) {
      pending.push(event);
      if (pending.length >= maxEvents) flush();
    },
    flush,
    get pendingCount() {
      return pending.length;
    },
  };
}
