import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A scratch directory for one (video, job), emptied first: leftovers of a killed attempt never leak into this one. */
export async function freshWorkDir(workRoot: string | undefined, videoId: string, job: string, subdirs: string[] = []): Promise<string> {
  const dir = join(workRoot ?? join(tmpdir(), 'vora-transcode'), videoId, job);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const subdir of subdirs) await mkdir(join(dir, subdir), { recursive: true });
  return dir;
}

export const removeWorkDir = (dir: string) => rm(dir, { recursive: true, force: true });
