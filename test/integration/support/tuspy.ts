/** The second TUS client of the upload tests: tuspy (Python, PyPI) in its venv, one process per run. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tuspyTool } from '../../../stack/tools/tuspy.ts';

const script = fileURLToPath(new URL('./tuspy-client.py', import.meta.url));

export interface TuspyRun {
  file: string;
  /** Creation URL (new upload) or upload URL (resume from the server's offset): exactly one. */
  endpoint?: string;
  url?: string;
  chunkSize: number;
  stopAt?: number;
  checksum?: boolean;
  /** Absent: tuspy sends an empty Upload-Metadata header. */
  metadata?: Record<string, string>;
}

export type TuspyResult = { url: string; offset: number } | { error: string; status: number | null; body: string; url: string | null; offset: number };

/** The venv's python, installed on first use if provisioning has not put it there yet. */
export async function tuspyPython(): Promise<string> {
  const found = await tuspyTool.locate();
  if (found) return found;
  await tuspyTool.install((line) => console.log(`[tuspy] ${line}`));
  const installed = await tuspyTool.locate();
  if (!installed) throw new Error(`tuspy is still missing after install: ${tuspyTool.fix}`);
  return installed;
}

export function runTuspy(python: string, run: TuspyRun): Promise<TuspyResult> {
  return new Promise((resolve, reject) => {
    execFile(python, [script, JSON.stringify(run)], { timeout: 120_000 }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as TuspyResult);
      } catch {
        reject(new Error(`tuspy failed (${error?.message ?? 'no JSON'}): ${stderr.trim().split('\n').slice(-5).join('\n')}`));
      }
    });
  });
}
