import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// wrangler.toml stays the local definition of the worker; terraform/modules/edge must deploy the same shape.
const root = new URL('../../', import.meta.url).pathname;
const wrangler = readFileSync(join(root, 'wrangler.toml'), 'utf8');
const edgeMain = readFileSync(join(root, 'terraform/modules/edge/main.tf'), 'utf8');
const edgeVariables = readFileSync(join(root, 'terraform/modules/edge/variables.tf'), 'utf8');

/** `[[name]]` tables of wrangler.toml as key → raw value maps (the file is flat enough for this). */
function tables(name: string): Array<Record<string, string>> {
  return wrangler.split(`[[${name}]]`).slice(1).map((chunk) => {
    const body = chunk.split(/^\[/m)[0]!;
    return Object.fromEntries([...body.matchAll(/^([a-z_]+)\s*=\s*(.+)$/gm)].map((m) => [m[1]!, m[2]!.trim()]));
  });
}

const variableDefault = (name: string) => edgeVariables.split(`variable "${name}"`)[1]!.split(/^}/m)[0]!.match(/default\s+=\s+(.+)$/m)![1]!;

describe('terraform edge module mirrors wrangler.toml', () => {
  it('binds the same KV namespaces', () => {
    const names = tables('kv_namespaces').map((t) => JSON.parse(t.binding!) as string).sort();
    const bound = JSON.parse(edgeMain.match(/kv_bindings\s+=\s+(\[[^\]]*\])/)![1]!) as string[];
    expect(bound.sort()).toEqual(names);
  });

  it('binds the same Durable Object class under the same name', () => {
    const bindings = tables('durable_objects.bindings');
    expect(bindings.length).toBeGreaterThan(0);
    for (const binding of bindings) {
      expect(edgeMain).toContain(`name = ${binding.name}, class_name = ${binding.class_name}`);
    }
  });

  it('declares the same Durable Object migrations, last tag first to check', () => {
    const wranglerMigrations = tables('migrations').map((t) => ({ tag: JSON.parse(t.tag!), new_sqlite_classes: JSON.parse(t.new_sqlite_classes ?? '[]') }));
    const defaults = variableDefault('durable_object_migrations');
    for (const migration of wranglerMigrations) {
      expect(defaults).toContain(`tag = "${migration.tag}"`);
      expect(defaults).toContain(`new_sqlite_classes = ${JSON.stringify(migration.new_sqlite_classes).replace(/,/g, ', ')}`);
    }
    expect((defaults.match(/tag = /g) ?? []).length).toBe(wranglerMigrations.length);
  });

  it('uploads every wrangler Text rule as a text module', () => {
    const suffixes = JSON.parse(variableDefault('text_module_suffixes')) as string[];
    const globs = tables('rules').filter((t) => t.type === '"Text"').flatMap((t) => JSON.parse(t.globs!) as string[]);
    for (const glob of globs) expect(suffixes.some((suffix) => glob.endsWith(suffix)), `${glob} has no text_module_suffixes entry`).toBe(true);
  });

  it('uses wrangler.toml’s compatibility date', () => {
    expect(variableDefault('compatibility_date')).toBe(wrangler.match(/^compatibility_date\s*=\s*(".*")/m)![1]);
  });
});
