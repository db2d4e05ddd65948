// Incompressible test files written in 1 MiB blocks (never held whole).
import { createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';

export async function writeRandomFile(path: string, sizeMiB: number): Promise<void> {
  const out = createWriteStream(path);
  const block = randomBytes(2 ** 20);
  for (let written = 0; written < sizeMiB; written += 1) {
    // A fresh first word per block keeps every MiB distinct without generating 1 GiB of randomness.
    block.writeUInt32LE(written, 0);
    if (!out.write(Buffer.from(block))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}
