import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startPostgresServer, type PostgresServer } from '../../stack/postgres-server.ts';
import { openDatabase } from '../../origin/src/db/open.ts';
import { describeConfigStoreContract } from './support/config-store-contract.ts';
import { freePort } from './support/free-port.ts';

const dir = await mkdtemp(join(tmpdir(), 'vora-config-postgres-'));
let server: PostgresServer | undefined;

beforeAll(async () => {
  server = await startPostgresServer({ dataDir: dir, port: await freePort(), durable: false });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describeConfigStoreContract('PostgreSQL', () => openDatabase({ databaseUrl: server!.url, pgliteDir: join(dir, 'unused') }));
