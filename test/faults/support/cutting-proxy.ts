/** A TCP relay in front of the origin that drops every connection once N request bytes went through: a network dying mid-PATCH. */
import { createServer, connect, type Socket } from 'node:net';

export interface CuttingProxy {
  url: string;
  /** Cuts all connections once `bytes` more client→origin bytes have been relayed (headers count too). */
  cutAfter(bytes: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCuttingProxy(targetPort: number): Promise<CuttingProxy> {
  const open = new Set<Socket>();
  let budget = Number.POSITIVE_INFINITY;
  let onCut: (() => void) | undefined;

  const cutAll = () => {
    budget = Number.POSITIVE_INFINITY;
    for (const socket of open) socket.destroy();
    open.clear();
    onCut?.();
    onCut = undefined;
  };

  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    open.add(client).add(upstream);
    const forget = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (chunk.length < budget) {
        budget -= chunk.length;
        upstream.write(chunk);
        return;
      }
      // The last bytes before the cut still go out: the origin keeps what reached it.
      upstream.write(chunk.subarray(0, budget), () => setTimeout(cutAll, 50));
      budget = 0;
      client.pause();
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', forget).on('error', forget);
    upstream.on('close', forget).on('error', forget);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the cutting proxy has no TCP address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    cutAfter(bytes) {
      budget = bytes;
      return new Promise((resolve) => (onCut = resolve));
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
