/**
 * Prints this CDN node's heartbeat token, derived with the edge's own function
 * (edge/src/nodes/node-token.ts). The internal secret is read from stdin, never argv or the
 * environment, so it shows up in no `ps` listing and no /proc/<pid>/environ.
 * Usage: `aws ssm get-parameter … | NODE_ID=i-0abc node --import tsx edge/cdn-node/cloud-init/node-token-cli.ts`
 */
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { nodeHeartbeatToken } from '../../src/nodes/node-token.ts';

/** Pure part: checks the inputs the way the agent and the edge will, then derives. */
export async function nodeTokenFromInputs(nodeId: string | undefined, secretText: string): Promise<string> {
  if (!nodeId || !/^[a-z0-9-]{1,64}$/.test(nodeId)) throw new Error(`node-token-cli: NODE_ID must be 1-64 lowercase letters, digits or dashes, got ${JSON.stringify(nodeId)}`);
  const secret = secretText.trim();
  if (secret.length < 16) throw new Error('node-token-cli: the internal secret on stdin is shorter than 16 characters — is the SSM parameter empty?');
  return nodeHeartbeatToken(secret, nodeId);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  nodeTokenFromInputs(process.env.NODE_ID, await text(process.stdin))
    .then((token) => process.stdout.write(`${token}\n`))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
