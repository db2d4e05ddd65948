/**
 * At most `limit` requests in flight to one endpoint from this process (the issue's per-endpoint bound): a slow
 * receiver gets a queue, not a flood, and never takes every slot of the worker from the other endpoints' deliveries.
 */
export function endpointLimiter(limit: number) {
  const active = new Map<string, { running: number; waiting: Array<() => void> }>();
  return async function withSlot<T>(endpointId: string, work: () => Promise<T>): Promise<T> {
    const slot = active.get(endpointId) ?? { running: 0, waiting: [] };
    active.set(endpointId, slot);
    if (slot.running >= limit) await new Promise<void>((resolve) => slot.waiting.push(resolve));
    slot.running += 1;
    try {
      return await work();
    } finally {
      slot.running -= 1;
      const next = slot.waiting.shift();
      if (next) next();
      else if (slot.running === 0) active.delete(endpointId);
    }
  };
}
