import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { WebSocket } from 'undici';
import { originClient } from '../lib/api-client.ts';
import { loadCliConfig } from '../lib/config.ts';
import { CliError } from '../lib/errors.ts';
import { printJson, printLine } from '../lib/output.ts';

interface ChatToken {
  token: string;
  url: string;
}

/** Sends one message as the broadcaster and resolves with the frame the room broadcast for it. */
async function sendAsBroadcaster(url: string, text: string, timeoutMs = 10_000): Promise<{ seq: number; id: string }> {
  const nonce = `cli-${randomBytes(6).toString('hex')}`;
  const socket = new WebSocket(url);
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new CliError(`the room did not confirm the message within ${timeoutMs / 1000} s`)), timeoutMs);
      socket.addEventListener('error', () => reject(new CliError(`could not open ${url.split('?')[0]} — is the edge running? (\`vora doctor\` checks)`)));
      socket.addEventListener('message', (event) => {
        const frame = JSON.parse(String(event.data)) as { type: string; seq?: number; id?: string; nonce?: string; code?: string; message?: string };
        // The room greets every socket with its history first: only then is it ready for our message.
        if (frame.type === 'history') socket.send(JSON.stringify({ type: 'send', text, nonce }));
        if (frame.type === 'message' && frame.nonce === nonce) {
          clearTimeout(timer);
          resolve({ seq: frame.seq!, id: frame.id! });
        }
        if (frame.type === 'error') {
          clearTimeout(timer);
          reject(new CliError(`the room refused the message: ${frame.message} (${frame.code})`));
        }
      });
    });
  } finally {
    socket.close();
  }
}

/** `vora rooms send ROOM TEXT`: a message into a chat room, as the broadcaster. */
export function registerRoomsCommand(program: Command): void {
  const rooms = program.command('rooms').description('chat rooms at the edge');
  rooms
    .command('send')
    .argument('<room>', 'room name, e.g. video-vid_… or channel-…')
    .argument('<text>', 'the message')
    .option('--name <name>', 'the name shown in the room', 'operator')
    .option('--json', 'print JSON')
    .description('send a message into a room as its broadcaster')
    .action(async (room: string, text: string, options: { name: string; json?: boolean }) => {
      const chat = await originClient(loadCliConfig()).request<ChatToken>('POST', '/v1/chat/tokens', { room, userId: 'vora-cli', name: options.name, role: 'broadcaster', ttlSeconds: 60 });
      const sent = await sendAsBroadcaster(chat.url, text);
      if (options.json) printJson({ room, ...sent });
      else printLine(`sent to ${room} as message #${sent.seq}`);
    });
}
