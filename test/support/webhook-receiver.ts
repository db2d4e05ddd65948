/** A local receiver of outgoing webhooks that verifies each request with the `standardwebhooks` library (the receiver's side of the spec). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { WebhookPayload } from '../../contracts/webhooks.ts';

export interface ReceivedWebhook {
  path: string;
  id: string;
  verified: boolean;
  payload: WebhookPayload;
  status: number;
}

/** A receiver: each path answers with its own rule; every request is verified with the endpoint's secret. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  readonly secrets = new Map<string, string>();
  readonly rules = new Map<string, (nth: number) => number>();
  server?: Server;
  constructor(readonly port: number) {}

  async listen(): Promise<void> {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = request.url ?? '/';
        let verified = false;
        try {
          new Webhook(this.secrets.get(path) ?? '').verify(body, request.headers as Record<string, string>);
          verified = true;
        } catch {}
        const nth = this.received.filter((each) => each.path === path).length + 1;
        const status = (this.rules.get(path) ?? (() => 200))(nth);
        this.received.push({ path, id: String(request.headers['webhook-id']), verified, payload: WebhookPayload.parse(JSON.parse(body)), status });
        response.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${nth}`);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
    this.server = undefined;
  }

  at(path: string): ReceivedWebhook[] {
    return this.received.filter((each) => each.path === path);
  }
}
