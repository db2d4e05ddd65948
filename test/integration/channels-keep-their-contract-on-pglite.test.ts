import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openDatabase } from '../../origin/src/db/open.ts';
import { describeChannelsContract } from './support/channels-contract.ts';

const dir = await mkdtemp(join(tmpdir(), 'vora-channels-pglite-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

// The origin's default database: embedded PGlite in a folder, migrated by openDatabase.
describeChannelsContract('PGlite', () => openDatabase({ pgliteDir: join(dir, 'db') }));
