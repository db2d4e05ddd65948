import { spawn } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { repoRoot } from '../../stack/paths.ts';
import { provision } from '../../stack/provision.ts';

export const testTiers = ['unit', 'workers', 'integration', 'e2e', 'faults'] as const;
export type TestTier = (typeof testTiers)[number];

const say = (line: string) => process.stdout.write(`${line}\n`);
const resultsDir = join(repoRoot, '.vora', 'test-results');

function runNode(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...(process.env.CI ? { NO_COLOR: '1' } : { FORCE_COLOR: '1' }) } });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const bin = (pkg: string, path: string) => join(repoRoot, 'node_modules', pkg, path);

function vitestArgs(tier: TestTier, outputFile: string): string[] {
  const reporters = ['--reporter=default', '--reporter=json', `--outputFile.json=${outputFile}`];
  if (tier === 'workers') return [bin('vitest', 'vitest.mjs'), 'run', '--config', 'test/workers/vitest.config.ts', ...reporters];
  return [bin('vitest', 'vitest.mjs'), 'run', '--project', tier, ...reporters];
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

async function countsOf(outputFile: string): Promise<Counts | null> {
  try {
    const report = JSON.parse(await readFile(outputFile, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
    return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
  } catch {
    return null;
  }
}

/** `npm test`: typecheck, provision, then each tier in order; exit code non-zero on any failure. */
export async function testCommand(tiers: TestTier[]): Promise<number> {
  const started = performance.now();
  say('vora test: typecheck');
  for (const project of ['tsconfig.json', 'tsconfig.workers.json']) {
    if ((await runNode([bin('typescript', 'bin/tsc'), '--noEmit', '-p', project])) !== 0) {
      say(`vora test: typecheck of ${project} failed`);
      say('0 passed, 1 failed');
      return 1;
    }
  }
  if (tiers.some((tier) => tier === 'integration' || tier === 'e2e' || tier === 'faults')) {
    say('vora test: provisioning tools');
    const seconds = await provision((line) => say(`  ${line}`));
    say(`vora test: provisioning took ${seconds.toFixed(1)} s`);
  }
  await rm(resultsDir, { recursive: true, force: true });
  await mkdir(resultsDir, { recursive: true });
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const summary: string[] = [];
  for (const tier of tiers) {
    const t0 = performance.now();
    say(`\nvora test: ${tier} tier`);
    const outputFile = join(resultsDir, `${tier}.json`);
    const code = await runNode(vitestArgs(tier, outputFile));
    const counts = (await countsOf(outputFile)) ?? { passed: 0, failed: code === 0 ? 0 : 1, skipped: 0 };
    // A runner that crashed before reporting still counts as a failure.
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    summary.push(`  ${tier.padEnd(12)} ${String(counts.passed).padStart(4)} passed  ${String(counts.failed).padStart(3)} failed  ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  say(`\nvora test: summary (${((performance.now() - started) / 1000).toFixed(0)} s)\n${summary.join('\n')}`);
  say(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  return total.failed === 0 ? 0 : 1;
}

export function registerTestCommand(program: Command): void {
  program
    .command('test')
    .argument('[tiers...]', `tiers to run (${testTiers.join(', ')}); all when none`)
    .description('typecheck, provision, and run the test tiers (npm test)')
    .action(async (tiers: string[]) => {
      const unknown = tiers.filter((tier) => !(testTiers as readonly string[]).includes(tier));
      if (unknown.length > 0) throw new Error(`unknown test tier ${unknown.join(', ')}: choose from ${testTiers.join(', ')}`);
      process.exitCode = await testCommand(tiers.length > 0 ? (tiers as TestTier[]) : [...testTiers]);
    });
}
