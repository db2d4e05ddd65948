/** Bytes sent by each network interface, from the text of /proc/net/dev. Loopback is left out. */
export function parseTransmittedBytes(procNetDev: string): Map<string, number> {
  const sent = new Map<string, number>();
  for (const line of procNetDev.split('\n').slice(2)) {
    const match = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!match || match[1] === 'lo') continue;
    const fields = match[2]!.trim().split(/\s+/).map(Number);
    // Receive has 8 columns; transmitted bytes is the first column after them.
    if (fields.length >= 9 && Number.isFinite(fields[8])) sent.set(match[1]!, fields[8]!);
  }
  return sent;
}

/** Egress in Mbit/s between two readings; counters that went backwards (interface reset) count as 0. */
export function egressMbps(before: Map<string, number>, after: Map<string, number>, seconds: number): number {
  if (seconds <= 0) return 0;
  let bytes = 0;
  for (const [name, value] of after) bytes += Math.max(0, value - (before.get(name) ?? value));
  return (bytes * 8) / 1e6 / seconds;
}

/** The one-minute load average as a fraction of all cores, capped at 1. */
export function cpuFraction(loadAverage1m: number, cores: number): number {
  return Math.min(1, Math.max(0, loadAverage1m / Math.max(1, cores)));
}
