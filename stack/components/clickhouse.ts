import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StackPorts } from '../../contracts/local-ports.ts';
import type { ComponentSpec, StackContext } from '../component.ts';
import { httpOk } from '../probe.ts';
import { clickhouseTool } from '../tools/clickhouse.ts';

/**
 * config.xml of a single local server: loopback only, no interserver port (no replicas; its default 9009
 * is our TCP port), data under `dir`, logs to the console (the runner's log file), small capped caches.
 */
export function clickhouseConfigXml(ports: Pick<StackPorts, 'clickhouseHttp' | 'clickhouseTcp'>, dir: string): string {
  const data = join(dir, 'data');
  return `<?xml version="1.0"?>
<!-- Written by stack/components/clickhouse.ts at every start; edit that file, not this one. -->
<yandex>
  <logger><level>warning</level><console>1</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${ports.clickhouseHttp}</http_port>
  <tcp_port>${ports.clickhouseTcp}</tcp_port>
  <path>${data}/</path>
  <tmp_path>${data}/tmp/</tmp_path>
  <user_files_path>${data}/user_files/</user_files_path>
  <format_schema_path>${data}/format_schemas/</format_schema_path>
  <users_config>${join(dir, 'users.xml')}</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <!-- Caches with a size cap (64 MiB each): they fill as the analytics tables' parts are read, then stay there. -->
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
</yandex>
`;
}

/** One passwordless `default` user reachable from loopback only (the server listens nowhere else). */
export const clickhouseUsersXml = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

/**
 * jemalloc's settings for the server (Debian links ClickHouse 18.16 against libjemalloc, which reads MALLOC_CONF).
 * By default a freed page goes back to the system only when its arena allocates again, ~10 s later: under a steady
 * trickle of small inserts (the playback sink's, about two a second) most of the server's threads each kept theirs,
 * and its RSS climbed 75 → 215 MiB in 12 minutes (322 in 20). A background thread returning them after a second
 * kept it at 138 (bench/README.md "soak and ClickHouse memory"; `npm run bench -- clickhouse-memory`).
 */
export const CLICKHOUSE_MALLOC_CONF = 'background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0';

/** Debian's ClickHouse server in the foreground (it runs as root as well as any user), data under `{dataDir}/clickhouse`. */
export function clickhouseComponent(ctx: StackContext): ComponentSpec {
  const dir = join(ctx.dataDir, 'clickhouse');
  const url = `http://127.0.0.1:${ctx.ports.clickhouseHttp}`;
  return {
    name: 'clickhouse',
    url,
    ports: [ctx.ports.clickhouseHttp, ctx.ports.clickhouseTcp],
    readyTimeoutMs: 30_000,

    async command() {
      const server = await clickhouseTool.locate();
      if (!server) throw new Error(`clickhouse-server is not installed: run \`vora provision\` (or ${clickhouseTool.fix})`);
      await mkdir(join(dir, 'data'), { recursive: true });
      const configPath = join(dir, 'config.xml');
      await writeFile(configPath, clickhouseConfigXml(ctx.ports, dir));
      await writeFile(join(dir, 'users.xml'), clickhouseUsersXml);
      return { cmd: server, args: [`--config-file=${configPath}`], cwd: dir, env: { MALLOC_CONF: CLICKHOUSE_MALLOC_CONF } };
    },

    // No schema here: the origin owns it (its playback sink applies the migrations before inserting).
    async probe() {
      await httpOk(`${url}/ping`);
    },
  };
}
