import type { ToolSpec } from '../tool.ts';
import { aptInstall, run, which } from '../exec.ts';

/** Debian 12 ships ClickHouse 18.16: MergeTree with custom partitions and the HTTP interface, but no TTL, DateTime64 or query parameters. */
export const clickhouseTool: ToolSpec = {
  name: 'clickhouse',
  pinned: "Debian's clickhouse-server (18.16)",
  locate: () => which('clickhouse-server', ['/usr/sbin', '/usr/bin']),
  async version(path) {
    // 18.16's server has no --version; its client does, and Debian installs both from one source.
    const client = (await which('clickhouse-client', ['/usr/bin'])) ?? path.replace(/clickhouse-server$/, 'clickhouse-client');
    const out = await run(client, ['--version'], { timeoutMs: 5_000 });
    return /version ([\d.]+)/.exec(out)?.[1] ?? out.trim();
  },
  install: (progress) => aptInstall(['clickhouse-server', 'clickhouse-client'], progress),
  fix: 'apt-get install clickhouse-server clickhouse-client',
};
