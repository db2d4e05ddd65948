import { describe, expect, it } from 'vitest';
import { coalescedInserts } from '../../origin/src/analytics/coalesced-inserts.ts';

/** An insert that records what it was given and settles when the test says so. */
function recordingInsert() {
  const calls: Array<{ rows: number[]; settle: (error?: Error) => void }> = [];
  const insert = (rows: number[]) => new Promise<void>((resolve, reject) => calls.push({ rows, settle: (error) => (error ? reject(error) : resolve()) }));
  return { calls, insert };
}

describe('coalesced inserts (the sink’s group commit)', () => {
  it('batches added within the linger go to ClickHouse as one insert, and each add settles with it', async () => {
    const { calls, insert } = recordingInsert();
    const inserts = coalescedInserts({ insert, lingerMs: 20, maxRows: 1000 });
    let settled = 0;
    const adds = [inserts.add([1, 2]), inserts.add([3]), inserts.add([4, 5, 6])].map((add) => add.then(() => (settled += 1)));
    expect(calls).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(calls.map((call) => call.rows)).toEqual([[1, 2, 3, 4, 5, 6]]);
    expect(settled).toBe(0); // nothing is acknowledged before ClickHouse accepted the insert
    calls[0]!.settle();
    await Promise.all(adds);
    expect(settled).toBe(3);
  });

  it('flushes at once when maxRows wait, and the next add starts a new insert', async () => {
    const { calls, insert } = recordingInsert();
    const inserts = coalescedInserts({ insert, lingerMs: 10_000, maxRows: 3 });
    const first = inserts.add([1, 2]);
    const second = inserts.add([3, 4]);
    expect(calls.map((call) => call.rows)).toEqual([[1, 2, 3, 4]]);
    const third = inserts.add([5]);
    calls[0]!.settle();
    await Promise.all([first, second]);
    expect(calls).toHaveLength(1); // [5] still lingers
    inserts.add([6, 7]);
    expect(calls.map((call) => call.rows)).toEqual([[1, 2, 3, 4], [5, 6, 7]]);
    calls[1]!.settle();
    await third;
  });

  it('a failed insert rejects every add it held (their offsets stay uncommitted) and an empty add waits for nothing', async () => {
    const { calls, insert } = recordingInsert();
    const inserts = coalescedInserts({ insert, lingerMs: 1, maxRows: 100 });
    const adds = [inserts.add([1]), inserts.add([2])];
    await expect(inserts.add([])).resolves.toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 10));
    calls[0]!.settle(new Error('ClickHouse down'));
    for (const add of adds) await expect(add).rejects.toThrow('ClickHouse down');
    expect(calls).toHaveLength(1);
  });
});
