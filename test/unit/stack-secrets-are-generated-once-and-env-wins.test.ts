import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateSecrets, secretsPath } from '../../stack/secrets.ts';

describe('loadOrCreateSecrets', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vora-secrets-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true }))));

  it('generates once into an owner-only file and reuses it', async () => {
    const dir = await tempDir();
    const first = await loadOrCreateSecrets(dir, {});
    expect(first.apiToken).toMatch(/^vora_[\w-]{32}$/);
    expect((await stat(secretsPath(dir))).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateSecrets(dir, {})).toEqual(first);
  });

  it('lets each environment variable win without touching the file', async () => {
    const dir = await tempDir();
    const stored = await loadOrCreateSecrets(dir, {});
    const secrets = await loadOrCreateSecrets(dir, { VORA_API_TOKEN: 'vora_from_the_environment' });
    expect(secrets.apiToken).toBe('vora_from_the_environment');
    expect(secrets.internalSecret).toBe(stored.internalSecret);
    expect(JSON.parse(await readFile(secretsPath(dir), 'utf8')).apiToken).toBe(stored.apiToken);
  });
});
