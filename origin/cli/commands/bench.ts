import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../../stack/paths.ts';

const benchDir = join(repoRoot, 'bench');

/** `npm run bench [-- NAME…]`: runs each `bench/NAME.ts` (all when none named), one after another. */
export async function benchCommand(names: string[]): Promise<number> {
  const available = (await readdir(benchDir)).filter((file) => file.endsWith('.ts') && !file.startsWith('_')).map((file) => file.slice(0, -3));
  const unknown = names.filter((name) => !available.includes(name));
  if (unknown.length > 0) throw new Error(`no benchmark ${unknown.join(', ')}: choose from ${available.join(', ')}`);
  let failed = 0;
  for (const name of names.length > 0 ? names : available) {
    process.stdout.write(`\n== bench ${name}\n`);
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(benchDir, `${name}.ts`)], { cwd: repoRoot, stdio: 'inherit' });
      child.on('close', (exit) => resolve(exit ?? 1));
    });
    if (code !== 0) failed += 1;
  }
  return failed === 0 ? 0 : 1;
}
