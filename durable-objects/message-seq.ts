/**
 * The room's message counter in the object's SQLite storage: one row, incremented atomically.
 * The table is created on first use so probes (ping) never write storage.
 */
export class MessageSeq {
  private schemaReady = false;

  constructor(private readonly sql: SqlStorage) {}

  /** Increments and returns the next sequence number (1 for a room's first message). */
  next(): number {
    this.ensureSchema();
    const row = this.sql
      .exec<{ value: number }>(
        `INSERT INTO room_counters (name, value) VALUES ('message_seq', 1)
         ON CONFLICT (name) DO UPDATE SET value = value + 1
         RETURNING value`,
      )
      .one();
    return row.value;
  }

  /** The last number handed out, 0 when the room never had a message. */
  current(): number {
    this.ensureSchema();
    const rows = this.sql.exec<{ value: number }>(`SELECT value FROM room_counters WHERE name = 'message_seq'`).toArray();
    return rows[0]?.value ?? 0;
  }

  private ensureSchema(): void {
    if (this.schemaReady) return;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS room_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)`);
    this.schemaReady = true;
  }
}
