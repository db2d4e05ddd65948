import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openDatabase } from '../../origin/src/db/open.ts';
import { describeConfigStoreContract } from './support/config-store-contract.ts';

const dir = await mkdtemp(join(tmpdir(), 'vora-config-pglite-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describeConfigStoreContract('PGlite', () => openDatabase({ pgliteDir: join(dir, 'db') }));
