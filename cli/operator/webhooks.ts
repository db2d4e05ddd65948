import type { Command } from 'commander';
import type { WebhookDeliveryPage, WebhookDeliveryView, WebhookEndpointList, WebhookEndpointView, WebhookRedeliveryAnswer } from '../../contracts/webhooks.ts';
import { originClient } from '../lib/api-client.ts';
import { loadCliConfig } from '../lib/config.ts';
import { CliError } from '../lib/errors.ts';
import { note, printJson, printLine, printTable } from '../lib/output.ts';
import { formatAgo, parseDuration } from '../lib/units.ts';

/** Pure: one row per endpoint — id, url, events, state. */
export function webhookEndpointRows(endpoints: WebhookEndpointView[]): string[][] {
  return endpoints.map((endpoint) => [endpoint.id, endpoint.url, endpoint.events.join(','), endpoint.enabled ? 'enabled' : `disabled: ${endpoint.disabledReason ?? ''}`]);
}

/** Pure: one row per delivery — id, event, status, attempts, last answer (code or error), latency, when. */
export function webhookDeliveryRows(deliveries: WebhookDeliveryView[], nowMs: number): string[][] {
  return deliveries.map((delivery) => [
    delivery.id,
    delivery.eventType,
    delivery.status,
    String(delivery.attempts),
    delivery.lastStatusCode !== null ? String(delivery.lastStatusCode) : (delivery.lastError ?? '-'),
    delivery.lastLatencyMs === null ? '-' : `${delivery.lastLatencyMs} ms`,
    delivery.lastAttemptAt === null ? '-' : formatAgo(Date.parse(delivery.lastAttemptAt), nowMs),
  ]);
}

/** `--since 1h` (a duration back from now) or an ISO 8601 time → ISO 8601; null when it is neither. */
export function replaySince(text: string, nowMs: number): string | null {
  const seconds = parseDuration(text);
  if (seconds !== null) return new Date(nowMs - seconds * 1000).toISOString();
  const at = Date.parse(text);
  return Number.isNaN(at) || !/\d{4}-\d{2}-\d{2}/.test(text) ? null : new Date(at).toISOString();
}

const api = () => originClient(loadCliConfig());
const id = (value: string) => encodeURIComponent(value);

function printSecret(endpoint: WebhookEndpointView): void {
  note('signing secret (shown once — give it to the receiver, which verifies with any Standard Webhooks library):');
  printLine(endpoint.secret ?? '');
}

/** `vora webhooks add | ls | rm | test | deliveries | retry | replay | rotate`: outgoing webhooks (Standard Webhooks). */
export function registerWebhooksCommand(program: Command): void {
  const webhooks = program.command('webhooks').description('outgoing webhooks: endpoints that receive signed Vora events');

  webhooks
    .command('add')
    .argument('<url>', 'the receiver, http(s)://…')
    .description('add an endpoint; its signing secret is printed once')
    .option('--events <list>', 'comma-separated event types or wildcards (video.ready,video.failed · video.* · *)', '*')
    .option('--description <text>', 'what it is for', '')
    .option('--json', 'print JSON')
    .action(async (url: string, options: { events: string; description: string; json?: boolean }) => {
      const events = options.events.split(',').map((event) => event.trim()).filter(Boolean);
      const endpoint = await api().request<WebhookEndpointView>('POST', '/v1/webhook-endpoints', { url, events, description: options.description });
      if (options.json) return printJson(endpoint);
      printLine(`added webhook endpoint ${endpoint.id} → ${endpoint.url} (${endpoint.events.join(',')})`);
      printSecret(endpoint);
    });

  webhooks
    .command('ls')
    .description('list endpoints')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { endpoints } = await api().request<WebhookEndpointList>('GET', '/v1/webhook-endpoints');
      if (options.json) printJson({ endpoints });
      else printTable(['id', 'url', 'events', 'state'], webhookEndpointRows(endpoints), 'no webhook endpoints yet: `vora webhooks add URL --events video.ready`');
    });

  webhooks
    .command('rm')
    .argument('<id>', 'endpoint id (whe_…)')
    .description('delete an endpoint and its delivery log')
    .action(async (endpointId: string) => {
      await api().request('DELETE', `/v1/webhook-endpoints/${id(endpointId)}`);
      printLine(`deleted webhook endpoint ${endpointId}`);
    });

  for (const [action, enabled] of [['enable', true], ['disable', false]] as const) {
    webhooks
      .command(action)
      .argument('<id>', 'endpoint id (whe_…)')
      .description(enabled ? 'send events to an endpoint again' : 'stop sending events to an endpoint (pending deliveries give up)')
      .action(async (endpointId: string) => {
        const endpoint = await api().request<WebhookEndpointView>('PATCH', `/v1/webhook-endpoints/${id(endpointId)}`, { enabled });
        printLine(`webhook endpoint ${endpoint.id} ${endpoint.enabled ? 'enabled' : 'disabled'}`);
      });
  }

  webhooks
    .command('test')
    .argument('<id>', 'endpoint id (whe_…)')
    .description('send a webhook.test event to an endpoint (`deliveries ID` shows how it went)')
    .action(async (endpointId: string) => {
      const answer = await api().request<WebhookRedeliveryAnswer>('POST', `/v1/webhook-endpoints/${id(endpointId)}/test`);
      printLine(`sent webhook.test to ${endpointId} (delivery ${answer.deliveries.join(', ')})`);
    });

  webhooks
    .command('deliveries')
    .argument('<id>', 'endpoint id (whe_…)')
    .description("an endpoint's delivery log, newest first")
    .option('--status <status>', 'only pending, delivered or failed')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (endpointId: string, options: { status?: string; limit: string; json?: boolean }) => {
      const query = new URLSearchParams({ limit: options.limit, ...(options.status ? { status: options.status } : {}) });
      const page = await api().request<WebhookDeliveryPage>('GET', `/v1/webhook-endpoints/${id(endpointId)}/deliveries?${query}`);
      if (options.json) printJson(page);
      else printTable(['delivery', 'event', 'status', 'attempts', 'last answer', 'latency', 'last attempt'], webhookDeliveryRows(page.deliveries, Date.now()), 'no deliveries yet');
    });

  webhooks
    .command('retry')
    .argument('<delivery>', 'delivery id (whd_…)')
    .description('send a delivery that failed again, on a fresh schedule')
    .action(async (deliveryId: string) => {
      await api().request<WebhookRedeliveryAnswer>('POST', `/v1/webhook-deliveries/${id(deliveryId)}/retry`);
      printLine(`delivery ${deliveryId} is being sent again`);
    });

  webhooks
    .command('replay')
    .argument('<id>', 'endpoint id (whe_…)')
    .description('resend, in order, every event since a time that matches the endpoint')
    .requiredOption('--since <when>', 'a duration back from now (30m, 1h, 2d) or an ISO 8601 time')
    .action(async (endpointId: string, options: { since: string }) => {
      const since = replaySince(options.since, Date.now());
      if (since === null) throw new CliError(`--since ${JSON.stringify(options.since)} is neither a duration (30m, 1h, 2d) nor an ISO 8601 time`);
      const answer = await api().request<WebhookRedeliveryAnswer>('POST', `/v1/webhook-endpoints/${id(endpointId)}/replay`, { since });
      printLine(`replaying ${answer.deliveries.length} event(s) since ${since} to ${endpointId}`);
      if (answer.skipped > 0) note(`${answer.skipped} still pending: their own deliveries are sending them`);
    });

  webhooks
    .command('rotate')
    .argument('<id>', 'endpoint id (whe_…)')
    .description('a new signing secret; the old one keeps signing beside it for 24 h')
    .option('--json', 'print JSON')
    .action(async (endpointId: string, options: { json?: boolean }) => {
      const endpoint = await api().request<WebhookEndpointView>('POST', `/v1/webhook-endpoints/${id(endpointId)}/rotate-secret`);
      if (options.json) return printJson(endpoint);
      printLine(`rotated the secret of ${endpoint.id}; the previous one signs too until ${endpoint.previousSecretExpiresAt}`);
      printSecret(endpoint);
    });
}
