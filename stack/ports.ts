import { createServer } from 'node:net';

/** True when nothing listens on 127.0.0.1:port (we bind there, so that is what matters). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Throws one clear error naming every taken port and its owner component. */
export async function assertPortsFree(owners: Array<{ name: string; ports: number[] }>): Promise<void> {
  const taken: string[] = [];
  for (const { name, ports } of owners) {
    for (const port of ports) if (!(await isPortFree(port))) taken.push(`${port} (${name})`);
  }
  if (taken.length > 0) {
    throw new Error(
      `port${taken.length > 1 ? 's' : ''} ${taken.join(', ')} already in use on 127.0.0.1 — ` +
        `stop what holds ${taken.length > 1 ? 'them' : 'it'} (\`ss -ltnp\` shows the process), ` +
        `or shift every port with VORA_PORT_OFFSET=100`,
    );
  }
}
