import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { access, copyFile, constants, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { migrate } from './migrate.ts';
import { schemaMigrations, type Migration } from './migrations.ts';
import type { Sql } from './sql.ts';

/**
 * A fresh PGlite data dir is a copy of a "template": one made once per machine by a throwaway process that ran
 * initdb and every migration, then closed. Both grow PGlite's WASM memory (~600 MiB for initdb, a little more for
 * the migrations), and a WebAssembly memory never shrinks, so a process that did either keeps that memory for life.
 * A plain file copy costs the opening process nothing. (PGlite's own dumpDataDir/loadDataDir goes through a tarball
 * in memory: measured at a 437 MiB peak.) Migrations still run on open, a no-op on a copy that is up to date.
 */

/** One statement as `migrate()` sends it. */
export interface PlannedQuery {
  text: string;
  params: unknown[];
}

/**
 * The statements `migrate()` runs on an empty database, recorded from `migrate()` itself against a handle that
 * answers every query with no rows: the template is made by the same code that migrates on open.
 */
export async function migrationPlan(migrations: readonly Migration[] = schemaMigrations): Promise<PlannedQuery[]> {
  const plan: PlannedQuery[] = [];
  const recorder: Sql = {
    async query<T>(text: string, params: unknown[] = []) {
      plan.push({ text, params });
      return { rows: [] as T[] };
    },
    transaction: (fn) => fn(recorder),
    close: async () => {},
  };
  await migrate(recorder, migrations);
  return plan;
}

/** The template's folder name: changes with the PGlite version (its on-disk format) and with any statement of the plan. */
export function pgliteTemplateName(pgliteVersion: string, plan: readonly PlannedQuery[]): string {
  const hash = createHash('sha256').update(JSON.stringify(plan)).digest('hex').slice(0, 16);
  return `empty-${pgliteVersion}-${hash}`;
}

/**
 * `VORA_PGLITE_TEMPLATES` (`off` = none: null), else `VORA_CACHE`, `$XDG_CACHE_HOME/vora` or `~/.cache/vora` (as
 * stack/paths.ts), then `pglite/`. Read from the environment so a test run can be switched too.
 */
export function defaultPgliteTemplatesDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.VORA_PGLITE_TEMPLATES === 'off') return null;
  return env.VORA_PGLITE_TEMPLATES || join(env.VORA_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vora'), 'pglite');
}

const requireHere = createRequire(import.meta.url);
const pgliteModule = () => requireHere.resolve('@electric-sql/pglite');

let pgliteVersionRead: Promise<string> | undefined;
/** The installed @electric-sql/pglite version (its package.json is not exported: read beside dist/). */
export function installedPgliteVersion(): Promise<string> {
  return (pgliteVersionRead ??= readFile(join(dirname(pgliteModule()), '..', 'package.json'), 'utf8').then((text) => (JSON.parse(text) as { version: string }).version));
}

const exists = (path: string) => access(path).then(() => true, () => false);

// Creates the database (initdb), runs the plan in one transaction, closes: all in a process whose memory goes when it exits.
const makeScript = `
const { PGlite } = require(process.env.PGLITE_MODULE);
const plan = JSON.parse(require('node:fs').readFileSync(process.env.PGLITE_PLAN, 'utf8'));
PGlite.create(process.env.PGLITE_DIR).then(async (db) => {
  if (plan.length > 0) await db.transaction(async (tx) => { for (const q of plan) await tx.query(q.text, q.params); });
  await db.close();
});`;

/** Runs initdb (and `plan`, if any) into the empty or absent `dir` in a throwaway Node process. */
export async function initialisePgliteInChildProcess(dir: string, plan: readonly PlannedQuery[] = []): Promise<void> {
  const planFile = `${dir}.plan-${randomBytes(4).toString('hex')}.json`;
  await writeFile(planFile, JSON.stringify(plan));
  try {
    await promisify(execFile)(process.execPath, ['--eval', makeScript], {
      env: { ...process.env, PGLITE_MODULE: pgliteModule(), PGLITE_DIR: dir, PGLITE_PLAN: planFile, NODE_OPTIONS: '' },
      timeout: 300_000,
    });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`could not create the embedded database in ${dir}: ${stderr?.trim() || (error as Error).message}`);
  } finally {
    await rm(planFile, { force: true });
  }
}

/**
 * The path of the migrated empty template under `templatesDir`, made first if missing. Made in a temporary folder
 * beside it and renamed into place, so a reader sees a whole template or none; when two processes make it at once,
 * the first rename wins and the other's copy is thrown away.
 */
export async function ensurePgliteTemplate(
  templatesDir: string,
  migrations: readonly Migration[] = schemaMigrations,
  make: (dir: string, plan: readonly PlannedQuery[]) => Promise<void> = initialisePgliteInChildProcess,
): Promise<string> {
  const plan = await migrationPlan(migrations);
  const template = join(templatesDir, pgliteTemplateName(await installedPgliteVersion(), plan));
  if (await exists(template)) return template;
  await mkdir(templatesDir, { recursive: true });
  const making = await mkdtemp(join(templatesDir, '.making-'));
  try {
    await make(join(making, 'data'), plan);
    await rename(join(making, 'data'), template).catch(async (error: NodeJS.ErrnoException) => {
      // Another process renamed its template into place first: same content, keep theirs.
      if (!(error.code === 'ENOTEMPTY' || error.code === 'EEXIST') || !(await exists(template))) throw error;
    });
  } finally {
    await rm(making, { recursive: true, force: true });
  }
  return template;
}

/** Copies a folder tree file by file; copy-on-write where the file system can (reflink), else a plain copy. */
async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) await copyTree(source, target);
    else await copyFile(source, target, constants.COPYFILE_FICLONE);
  }
}

/**
 * Makes `dir` (absent or empty) a copy of `template`: copied beside it and renamed in, so a crash mid-copy never
 * leaves a half data dir that would look initialised (PG_VERSION present) on the next start.
 */
export async function copyPgliteTemplate(template: string, dir: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const staging = `${dir}.copy-${randomBytes(4).toString('hex')}`;
  try {
    await copyTree(template, staging);
    // rename(2) replaces an empty directory, never one that holds files.
    await rename(staging, dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      throw new Error(`${dir} holds files but no database (no PG_VERSION): empty it, or set another data dir`, { cause: error });
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
