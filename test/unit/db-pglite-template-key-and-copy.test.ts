import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { schemaMigrations, type Migration } from '../../origin/src/db/migrations.ts';
import { copyPgliteTemplate, defaultPgliteTemplatesDir, ensurePgliteTemplate, migrationPlan, pgliteTemplateName, type PlannedQuery } from '../../origin/src/db/pglite-template.ts';

const root = await mkdtemp(join(tmpdir(), 'vora-pglite-template-'));
afterAll(() => rm(root, { recursive: true, force: true }));

const one: Migration[] = [{ version: 1, name: 'notes', statements: ['CREATE TABLE notes (body text)'] }];

describe('migration plan', () => {
  it('is every statement of every migration, each recorded in schema_migrations, in order', async () => {
    const plan = await migrationPlan(schemaMigrations);
    const texts = plan.map((query) => query.text);
    const statements = schemaMigrations.flatMap((migration) => migration.statements);
    expect(texts.filter((text) => statements.includes(text))).toEqual(statements);
    const recorded = plan.filter((query) => query.text.startsWith('INSERT INTO schema_migrations')).map((query) => query.params[0]);
    expect(recorded).toEqual(schemaMigrations.map((migration) => migration.version));
  });
});

describe('template name', () => {
  it('changes when a migration is added or edited, and with the PGlite version; not otherwise', async () => {
    const base = pgliteTemplateName('0.5.16', await migrationPlan(one));
    expect(base).toMatch(/^empty-0\.5\.16-[0-9a-f]{16}$/);
    expect(pgliteTemplateName('0.5.16', await migrationPlan(one))).toBe(base);
    expect(pgliteTemplateName('0.5.17', await migrationPlan(one))).not.toBe(base);
    const added = [...one, { version: 2, name: 'more', statements: ['CREATE INDEX notes_body ON notes (body)'] }];
    expect(pgliteTemplateName('0.5.16', await migrationPlan(added))).not.toBe(base);
    const edited = [{ ...one[0]!, statements: ['CREATE TABLE notes (body text NOT NULL)'] }];
    expect(pgliteTemplateName('0.5.16', await migrationPlan(edited))).not.toBe(base);
  });

  it('lives in VORA_PGLITE_TEMPLATES (off: none), else under VORA_CACHE, else XDG_CACHE_HOME/vora', () => {
    expect(defaultPgliteTemplatesDir({ VORA_PGLITE_TEMPLATES: '/t', VORA_CACHE: '/c' })).toBe('/t');
    expect(defaultPgliteTemplatesDir({ VORA_PGLITE_TEMPLATES: 'off' })).toBeNull();
    expect(defaultPgliteTemplatesDir({ VORA_CACHE: '/c' })).toBe('/c/pglite');
    expect(defaultPgliteTemplatesDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/vora/pglite');
  });
});

describe('making a template', () => {
  // Stands in for initdb + the plan (the real maker is a PGlite child process: the integration tests run it).
  const fakeMaker = (calls: string[]) => async (dir: string, plan: readonly PlannedQuery[]) => {
    calls.push(dir);
    await mkdir(join(dir, 'base'), { recursive: true });
    await writeFile(join(dir, 'PG_VERSION'), '17\n');
    await new Promise((resolve) => setTimeout(resolve, 50)); // two makers overlap
    await writeFile(join(dir, 'base', 'plan.json'), JSON.stringify(plan));
  };

  it('by two processes at once leaves one whole template and no temporary folders', async () => {
    const dir = join(root, 'race');
    const calls: string[] = [];
    const [a, b] = await Promise.all([ensurePgliteTemplate(dir, one, fakeMaker(calls)), ensurePgliteTemplate(dir, one, fakeMaker(calls))]);
    expect(a).toBe(b);
    expect(calls).toHaveLength(2);
    expect(await readdir(dir)).toEqual([a.slice(dir.length + 1)]);
    expect(JSON.parse(await readFile(join(a, 'base', 'plan.json'), 'utf8'))).toEqual(await migrationPlan(one));
  });

  it('is skipped when the template is there already', async () => {
    const dir = join(root, 'again');
    const calls: string[] = [];
    const first = await ensurePgliteTemplate(dir, one, fakeMaker(calls));
    expect(await ensurePgliteTemplate(dir, one, fakeMaker(calls))).toBe(first);
    expect(calls).toHaveLength(1);
  });

  it('leaves nothing behind when the maker fails', async () => {
    const dir = join(root, 'failing');
    await expect(ensurePgliteTemplate(dir, one, async () => { throw new Error('initdb failed'); })).rejects.toThrow('initdb failed');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('copying a template', () => {
  it('copies every file into an absent or empty data dir, and writes to the copy leave the template alone', async () => {
    const template = join(root, 'template');
    await mkdir(join(template, 'base', '1'), { recursive: true });
    await writeFile(join(template, 'PG_VERSION'), '17\n');
    await writeFile(join(template, 'base', '1', '1259'), Buffer.alloc(8192, 7));
    const absent = join(root, 'copies', 'absent');
    const empty = join(root, 'copies', 'empty');
    await mkdir(empty, { recursive: true });
    for (const dir of [absent, empty]) {
      await copyPgliteTemplate(template, dir);
      expect(await readFile(join(dir, 'PG_VERSION'), 'utf8')).toBe('17\n');
      expect(await readFile(join(dir, 'base', '1', '1259'))).toEqual(Buffer.alloc(8192, 7));
    }
    await writeFile(join(absent, 'base', '1', '1259'), 'changed');
    expect(await readFile(join(template, 'base', '1', '1259'))).toEqual(Buffer.alloc(8192, 7));
    expect((await readdir(join(root, 'copies'))).sort()).toEqual(['absent', 'empty']);
  });

  it('refuses a folder that already holds files, and leaves no staging copy', async () => {
    const template = join(root, 'template');
    const taken = join(root, 'taken', 'db');
    await mkdir(taken, { recursive: true });
    await writeFile(join(taken, 'stray'), 'x');
    await expect(copyPgliteTemplate(template, taken)).rejects.toThrow(/holds files but no database/);
    expect(await readdir(join(root, 'taken'))).toEqual(['db']);
    expect(await readdir(taken)).toEqual(['stray']);
  });
});
