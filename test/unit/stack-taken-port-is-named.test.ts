import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertPortsFree, isPortFree } from '../../stack/ports.ts';

describe('assertPortsFree', () => {
  it('names the taken port and the component that wanted it, and how to get around it', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      expect(await isPortFree(port)).toBe(false);
      await expect(assertPortsFree([{ name: 'minio', ports: [port] }])).rejects.toThrow(
        new RegExp(`port ${port} \\(minio\\) already in use.*VORA_PORT_OFFSET`),
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await isPortFree(port)).toBe(true);
    await expect(assertPortsFree([{ name: 'minio', ports: [port] }])).resolves.toBeUndefined();
  });
});
