import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { aptInstall, isExecutable, run, which } from '../exec.ts';
import type { ToolSpec } from '../tool.ts';

const debianRoot = '/usr/lib/postgresql';

/** Debian keeps server binaries off PATH, under /usr/lib/postgresql/<major>/bin; newest major first. */
async function debianBinDirs(): Promise<string[]> {
  const majors = await readdir(debianRoot).catch(() => [] as string[]);
  return majors
    .filter((entry) => /^\d+$/.test(entry))
    .sort((a, b) => Number(b) - Number(a))
    .map((major) => join(debianRoot, major, 'bin'));
}

/** A folder holding all of postgres, initdb and pg_ctl, so the three always come from one release. */
async function isServerBinDir(dir: string): Promise<boolean> {
  for (const name of ['postgres', 'initdb', 'pg_ctl']) if (!(await isExecutable(join(dir, name)))) return false;
  return true;
}

/** Path of the `postgres` server binary (initdb and pg_ctl sit beside it), PATH first, or null. */
async function locatePostgres(): Promise<string | null> {
  const onPath = await which('postgres');
  const candidates = [...(onPath ? [dirname(onPath)] : []), ...(await debianBinDirs())];
  for (const dir of candidates) if (await isServerBinDir(dir)) return join(dir, 'postgres');
  return null;
}

/** The sibling tool (`initdb`, `pg_ctl`, …) of a located `postgres` binary. */
export function postgresSibling(postgresPath: string, name: string): string {
  return join(dirname(postgresPath), name);
}

export const postgresTool: ToolSpec = {
  name: 'postgres',
  pinned: "Debian's postgresql",
  locate: locatePostgres,
  async version(path) {
    const out = await run(path, ['--version'], { timeoutMs: 10_000 });
    return out.trim().replace(/^postgres \(PostgreSQL\) /, '');
  },
  install: (progress) => aptInstall(['postgresql'], progress),
  fix: 'apt-get install postgresql (Debian/Ubuntu) or brew install postgresql (macOS); only needed when DATABASE_URL selects PostgreSQL',
};
