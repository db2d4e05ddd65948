/**
 * Group commit: the rows of every `add` made within `lingerMs` of the first waiting one (or until `maxRows`
 * are waiting) go to ClickHouse in one insert, and each `add` settles with that insert. The sink's partitions
 * are consumed concurrently; coalescing their batches makes one part per flush instead of one per partition.
 */
export interface CoalescedInserts<Row> {
  /** Resolves once an insert holding `rows` was accepted; rejects with that insert's error. */
  add(rows: Row[]): Promise<void>;
}

export interface CoalescedInsertOptions<Row> {
  insert: (rows: Row[]) => Promise<void>;
  lingerMs: number;
  maxRows: number;
}

interface Waiting<Row> {
  rows: Row[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function coalescedInserts<Row>(options: CoalescedInsertOptions<Row>): CoalescedInserts<Row> {
  let waiting: Array<Waiting<Row>> = [];
  let waitingRows = 0;
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const taken = waiting;
    waiting = [];
    waitingRows = 0;
    const rows = taken.length === 1 ? taken[0]!.rows : taken.flatMap((entry) => entry.rows);
    options.insert(rows).then(
      () => taken.forEach((entry) => entry.resolve()),
      (error: unknown) => taken.forEach((entry) => entry.reject(error)),
    );
  };

  return {
    add(rows) {
      if (rows.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiting.push({ rows, resolve, reject });
        waitingRows += rows.length;
        if (waitingRows >= options.maxRows) flush();
        else timer ??= setTimeout(flush, options.lingerMs);
      });
    },
  };
}
