import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: everything the stack writes at run time lives under `.vora/` here. */
export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Run-time data of the local stack (databases, buckets, logs, secrets); `VORA_HOME` moves it. */
export const dataDir = resolve(process.env.VORA_HOME ?? join(repoRoot, '.vora'));
export const logDir = join(dataDir, 'logs');

/** Tools built or downloaded once and reused across clones (`VORA_CACHE` moves it). */
export const cacheDir = resolve(
  process.env.VORA_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vora'),
);
export const cacheBinDir = join(cacheDir, 'bin');
