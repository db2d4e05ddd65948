import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase } from '../../origin/src/db/open.ts';
import { describeChannelsContract } from './support/channels-contract.ts';
import { startThrowawayPostgres, type PostgresServer } from './support/postgres-server.ts';

const dir = await mkdtemp(join(tmpdir(), 'vora-channels-postgres-'));
let server: PostgresServer | undefined;

beforeAll(async () => {
  server = await startThrowawayPostgres(dir);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

// DATABASE_URL set: the origin's PostgreSQL path.
describeChannelsContract('PostgreSQL', () => openDatabase({ databaseUrl: server!.url, pgliteDir: join(dir, 'unused') }));
