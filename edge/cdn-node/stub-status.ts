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

/** Connections doing work (not idle keep-alives), without the agent's own status request. */
export function busyConnections(status: StubStatus): number {
  return Math.max(0, status.reading + status.writing - 1);
}
