// chat-fanout's message stamps: the sender puts its scheduled send time into each chat text, receivers find
// them in whatever frame a room sends (one message, a batch, or the client frame echoed). Pure.

/** The chat text of one bench message: phase and the wall-clock time (ms since the epoch) it was due. */
export const stampText = (phase: number, dueAtMs: number) => `b:${phase}:${dueAtMs.toFixed(3)}`;

/** The bytes load sockets count, so they never parse a frame: one occurrence per message of `phase`. */
export const stampMarker = (phase: number) => Buffer.from(`b:${phase}:`);

/** How many messages of a phase a frame carries (`marker` from stampMarker). */
export function countStamps(frame: Buffer, marker: Buffer): number {
  let count = 0;
  for (let at = frame.indexOf(marker); at !== -1; at = frame.indexOf(marker, at + marker.length)) count += 1;
  return count;
}

/** Delivery latency (ms) of every message of `phase` in a frame received at `receivedAtMs` (same clock as the stamps). */
export function stampLatencies(frame: string, phase: number, receivedAtMs: number): number[] {
  const latencies: number[] = [];
  for (const match of frame.matchAll(new RegExp(`b:${phase}:(\\d+(?:\\.\\d+)?)`, 'g'))) latencies.push(receivedAtMs - Number(match[1]));
  return latencies;
}
