import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// A light reading of HCL with regular expressions (no HCL parser is installed): enough for the
// shapes terraform/ is written in, and `terraform fmt -check` covers the syntax (terraform/README.md).
const tfRoot = join(new URL('../../', import.meta.url).pathname, 'terraform');
const modules = ['edge', 'origin', 'cdn-nodes', 'shield', 'ingest'].map((name) => join(tfRoot, 'modules', name));
// One root module serves every environment; envs/<env>.tfvars (committed) and envs/<env>.site.tfvars
// (git-ignored, from the .example) set its variables.
const rootModule = join(tfRoot, 'root');
const environments = ['staging', 'production'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const tfFiles = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.tf')).map((name) => join(dir, name));
const tfText = (dir: string) => tfFiles(dir).map((path) => readFileSync(path, 'utf8')).join('\n');

interface Variable { name: string; body: string }

function variables(dir: string): Variable[] {
  const text = readFileSync(join(dir, 'variables.tf'), 'utf8');
  return [...text.matchAll(/^variable "([a-z0-9_]+)" \{\n([\s\S]*?)^\}/gm)].map((m) => ({ name: m[1]!, body: m[2]! }));
}

/** The argument names of each `module "x" { … }` block, with its source. */
function moduleCalls(dir: string): Array<{ name: string; source: string; args: string[] }> {
  return [...tfText(dir).matchAll(/^module "([a-z0-9_]+)" \{\n([\s\S]*?)^\}/gm)].map((m) => ({
    name: m[1]!,
    source: m[2]!.match(/^\s+source\s+=\s+"([^"]+)"/m)![1]!,
    args: [...m[2]!.matchAll(/^\s{2}([a-z0-9_]+)\s+=/gm)].map((a) => a[1]!).filter((a) => a !== 'source'),
  }));
}

/** The variable names a .tfvars (or .tfvars.example) file assigns. */
const assignedNames = (path: string) => [...readFileSync(path, 'utf8').matchAll(/^([a-z0-9_]+)\s*=/gm)].map((m) => m[1]!);

/** What the committed envs/<env>.tfvars may say: which environment and how large, nothing of a site. */
const environmentTraits = new Set(['environment', 'origin_count', 'transcoder_count', 'cdn_min_size', 'cdn_max_size', 'cdn_instance_type', 'db_multi_az']);

describe('terraform layout', () => {
  it.each([...modules, rootModule].map((dir) => [relative(tfRoot, dir), dir]))('%s has main.tf, variables.tf, outputs.tf and versions.tf', (_, dir) => {
    for (const file of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf']) expect(existsSync(join(dir, file)), file).toBe(true);
  });

  it.each([...modules, rootModule].map((dir) => [relative(tfRoot, dir), dir]))('%s declares and describes every variable it uses, and uses every one it declares', (_, dir) => {
    const declared = variables(dir);
    const names = new Set(declared.map((v) => v.name));
    const used = new Set([...tfText(dir).matchAll(/\bvar\.([a-z0-9_]+)/g)].map((m) => m[1]!));
    for (const name of used) expect(names.has(name), `var.${name} is used but not declared`).toBe(true);
    for (const v of declared) {
      expect(used.has(v.name), `variable ${v.name} is declared but never used`).toBe(true);
      expect(v.body, `variable ${v.name} has no description`).toMatch(/description\s+=\s+"[^"]{8,}"/);
    }
  });

  it.each([...modules, rootModule].map((dir) => [relative(tfRoot, dir), dir]))('%s describes every output', (_, dir) => {
    const outputs = [...readFileSync(join(dir, 'outputs.tf'), 'utf8').matchAll(/^output "([a-z0-9_]+)" \{\n([\s\S]*?)^\}/gm)];
    expect(outputs.length).toBeGreaterThan(0);
    for (const [, name, body] of outputs) expect(body, `output ${name}`).toMatch(/description\s+=\s+"[^"]{8,}"/);
  });

  it.each([[relative(tfRoot, rootModule), rootModule]])('%s calls modules that exist, with declared inputs, leaving out no required one', (_, dir) => {
    const calls = moduleCalls(dir);
    expect(calls.map((c) => c.name).sort()).toEqual(['cdn_nodes', 'edge', 'ingest', 'origin', 'shield']);
    for (const call of calls) {
      const target = join(dir, call.source);
      expect(existsSync(join(target, 'variables.tf')), `${call.source} is not a module`).toBe(true);
      const declared = variables(target);
      const names = new Set(declared.map((v) => v.name));
      for (const arg of call.args) expect(names.has(arg), `module ${call.name}: ${arg} is not a variable of ${call.source}`).toBe(true);
      for (const v of declared.filter((d) => !/^\s+default\s+=/m.test(d.body))) {
        expect(call.args, `module ${call.name} leaves required ${v.name} unset`).toContain(v.name);
      }
    }
  });

  it('reads only files that exist (file, filebase64, templatefile)', () => {
    let checked = 0;
    for (const dir of [...modules, rootModule]) {
      for (const m of tfText(dir).matchAll(/\b(?:file|filebase64|templatefile)\("\$\{path\.module\}\/([^"]+)"/g)) {
        expect(existsSync(join(dir, m[1]!)), `${relative(tfRoot, dir)}: ${m[1]} does not exist`).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it('gives each template every value it interpolates, and no value it ignores', () => {
    let calls = 0;
    for (const dir of modules) {
      const text = tfText(dir);
      for (const call of text.matchAll(/templatefile\("\$\{path\.module\}\/(templates\/[^"]+)", \{\n([\s\S]*?)^\s*\}\)/gm)) {
        const given = new Set([...call[2]!.matchAll(/^\s+([a-z0-9_]+)\s+=/gm)].map((m) => m[1]!));
        const template = readFileSync(join(dir, call[1]!), 'utf8').replace(/\$\$\{/g, '');
        const used = new Set([...template.matchAll(/\$\{\s*([a-z0-9_]+)\s*\}|%\{\s*if\s+([a-z0-9_]+)/g)].map((m) => (m[1] ?? m[2])!));
        for (const name of used) expect(given.has(name), `${call[1]} uses ${name}, which the templatefile call does not pass`).toBe(true);
        for (const name of given) expect(used.has(name), `${call[1]} never uses ${name}`).toBe(true);
        calls += 1;
      }
    }
    expect(calls).toBe(5); // cdn-nodes cloud-init, origin app hosts, MinIO hosts, shield hosts, ingest hosts
  });
});

describe('per-environment inputs of the root module', () => {
  it.each(environments)('envs/%s.tfvars names its own environment', (env) => {
    expect(readFileSync(join(rootModule, 'envs', `${env}.tfvars`), 'utf8')).toMatch(new RegExp(`^environment\\s*=\\s*"${env}"$`, 'm'));
  });

  it.each(environments)('envs/%s.tfvars and its site example set every required variable once, and only declared ones', (env) => {
    const sized = assignedNames(join(rootModule, 'envs', `${env}.tfvars`));
    const site = assignedNames(join(rootModule, 'envs', `${env}.site.tfvars.example`));
    const declared = variables(rootModule);
    const names = new Set(declared.map((v) => v.name));
    for (const name of [...sized, ...site]) expect(names.has(name), `${name} is not a variable of the root module`).toBe(true);
    // A name in both files would be decided silently by the order of -var-file flags.
    expect(sized.filter((name) => site.includes(name))).toEqual([]);
    for (const v of declared.filter((d) => !/^\s+default\s+=/m.test(d.body) && !/sensitive\s+=\s+true/.test(d.body))) {
      expect([...sized, ...site], `${env} leaves required ${v.name} unset`).toContain(v.name);
    }
  });

  it('keeps each environment\'s state under its own backend key', () => {
    const keys = environments.map((env) => readFileSync(join(rootModule, 'envs', `${env}.backend.hcl.example`), 'utf8').match(/^key\s*=\s*"([^"]+)"/m)?.[1]);
    expect(keys).toEqual(environments.map((env) => `vora/${env}.tfstate`));
  });
});

describe('no secret in terraform/', () => {
  const files = filesUnder(tfRoot).filter((path) => !path.includes('/.terraform/'));
  const secretish = /(secret|password|token|node_key|access_key)/;

  it('marks every secret-looking variable sensitive, with no default but an empty one', () => {
    for (const dir of [...modules, rootModule]) {
      for (const v of variables(dir).filter((d) => secretish.test(d.name) && !/_(param|parameter)|_arn$|_count$/.test(d.name))) {
        expect(v.body, `${relative(tfRoot, dir)}: variable ${v.name} must be sensitive`).toMatch(/sensitive\s+=\s+true/);
        const fallback = v.body.match(/^\s+default\s+=\s+(.*)$/m)?.[1];
        if (fallback !== undefined) expect(fallback, `${v.name} default`).toBe('""');
      }
    }
  });

  it('holds no literal that looks like a key, a password or a token', () => {
    const patterns: Array<[string, RegExp]> = [
      ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
      ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
      ['quoted secret assignment', /\b(password|secret|token|api_key|secret_key|access_key)\s*=\s*"(?!\$\{)(?!REPLACE_ME)[^"]{6,}"/i],
      ['long random-looking string', /["'=]\s*[A-Za-z0-9+/_-]{40,}={0,2}["'\n]/],
    ];
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      for (const [what, pattern] of patterns) {
        const hit = text.match(pattern)?.[0];
        expect(hit, `${relative(tfRoot, path)} holds a ${what}: ${hit}`).toBeUndefined();
      }
    }
  });

  it('tfvars examples carry placeholders only, and real tfvars are not in the tree', () => {
    const examples = files.filter((path) => path.endsWith('.tfvars.example'));
    expect(examples.map((path) => relative(tfRoot, path)).sort()).toEqual(environments.map((env) => `root/envs/${env}.site.tfvars.example`).sort());
    for (const path of examples) expect(readFileSync(path, 'utf8')).toMatch(/REPLACE_ME/);
    // The only tfvars in the tree are each environment's name and size, which hold no site value.
    const committed = environments.map((env) => join(rootModule, 'envs', `${env}.tfvars`));
    expect(files.filter((path) => /\.tfvars$|\.tfstate/.test(path)).sort()).toEqual([...committed].sort());
    for (const path of committed) {
      expect(assignedNames(path).filter((name) => !environmentTraits.has(name)), relative(tfRoot, path)).toEqual([]);
    }
  });
});
