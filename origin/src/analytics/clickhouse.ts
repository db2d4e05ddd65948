import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';

export type { ClickHouseClient } from '@clickhouse/client';

/** Default of the local stack (ARCHITECTURE.md); `CLICKHOUSE_URL` moves it. */
export const DEFAULT_CLICKHOUSE_URL = 'http://127.0.0.1:8123';

/**
 * The official client, quiet (we log ourselves) and bounded. Checked against Debian's 18.16: inserts
 * (JSONEachRow), queries and commands work; `query_params` do not (18.16 has no server-side parameters),
 * so values go into SQL through `sqlString` after validation.
 */
export function openClickHouse(url = DEFAULT_CLICKHOUSE_URL, requestTimeoutMs = 10_000): ClickHouseClient {
  return createClient({ url, request_timeout: requestTimeoutMs, log: { level: ClickHouseLogLevel.OFF } });
}

/** A ClickHouse string literal: backslash and quote escaped, as its SQL parser expects. */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
