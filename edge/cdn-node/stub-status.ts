/** The counters nginx's stub_status page reports. */
export interface StubStatus {
  active: number;
  accepts: number;
  handled: number;
  requests: number;
  reading: number;
  writing: number;
  waiting: number;
}

/** Parses nginx's stub_status text; returns an error value instead of throwing on odd input. */
export function parseStubStatus(text: string): StubStatus | { error: string } {
  const active = /Active connections:\s*(\d+)/.exec(text);
  const totals = /\n\s*(\d+)\s+(\d+)\s+(\d+)\s*\n/.exec(text);
  const rw = /Reading:\s*(\d+)\s+Writing:\s*(\d+)\s+Waiting:\s*(\d+)/.exec(text);
  if (!active || !totals || !rw) return { error: 'not an nginx stub_status page' };
  const n = (value: string | undefined) => Number(value);
  return {
    active: n(active[1]),
    accepts: n(totals[1]),
    handled: n(totals[2]),
    requests: n(totals[3]),
    reading: n(rw[1]),
    writing: n(rw[2]),
    waiting: n(rw[3]),
  };
}

/** Load in [0, 1]: connections doing work (not idle keep-alives) over the node's capacity. */
export function nodeLoad(status: StubStatus, capacity: number): number {
  // The agent's own status request is one of the writing connections.
  const busy = Math.max(0, status.reading + status.writing - 1);
  return Math.min(1, busy / Math.max(1, capacity));
}
