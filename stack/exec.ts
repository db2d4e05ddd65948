import { execFile, spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Runs a command to completion and returns its stdout; rejects with stderr's tail on failure. */
export function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { env: options.env ?? process.env, cwd: options.cwd, timeout: options.timeoutMs ?? 0, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const tail = String(stderr || stdout).trim().split('\n').slice(-15).join('\n');
          reject(new Error(`${cmd} ${args.join(' ')} failed: ${error.message}\n${tail}`));
        } else resolve(String(stdout));
      },
    );
  });
}

/** Runs a long command (a build, an apt-get), streaming its output to `onLine`; rejects on non-zero exit. */
export function runStreaming(cmd: string, args: string[], onLine: (line: string) => void, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        onLine(line);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}\n${tail.join('\n')}`)),
    );
  });
}

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds an executable on PATH (plus extra directories such as Debian's sbin), like `which`. */
export async function which(name: string, extraDirs: string[] = []): Promise<string | null> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs].filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Installs Debian packages when root; otherwise throws with the exact command a person should run. */
export async function aptInstall(packages: string[], progress: (line: string) => void): Promise<void> {
  const command = `apt-get install -y ${packages.join(' ')}`;
  if (!isRoot) throw new Error(`${packages.join(', ')} missing: run \`sudo apt-get update && sudo ${command}\``);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  progress(`apt-get update`);
  await runStreaming('apt-get', ['update', '-q'], () => {}, { env });
  progress(command);
  await runStreaming('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], () => {}, { env });
}
