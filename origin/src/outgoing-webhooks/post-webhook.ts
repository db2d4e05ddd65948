import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkWebhookAddress, checkWebhookUrl, type WebhookUrlPolicy } from './url-safety.ts';

/** At most this much of a response is read; the rest is not waited for. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export type PostOutcome =
  | { kind: 'response'; statusCode: number; body: string; latencyMs: number }
  /** No HTTP answer: refused address, DNS, connection, timeout. */
  | { kind: 'error'; error: string; latencyMs: number };

export interface PostWebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  policy: WebhookUrlPolicy;
}

/**
 * A DNS lookup that answers only addresses the policy allows: the check happens on the very address the socket
 * connects to, so a name that resolves somewhere harmless when saved and to 169.254.169.254 later still fails.
 */
export function policyLookup(policy: WebhookUrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = addresses.filter((address) => checkWebhookAddress(address.address, policy).ok);
      if (allowed.length === 0) {
        const verdict = checkWebhookAddress(addresses[0]?.address ?? hostname, policy);
        return callback(Object.assign(new Error(`${hostname} resolves only to refused addresses: ${verdict.ok ? 'none' : verdict.reason}`), { code: 'EWEBHOOKREFUSED' }), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, allowed);
      return callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

/**
 * One POST to a receiver: no redirects followed (a 3xx is an answer like any other), the whole exchange bounded by
 * `timeoutMs`, at most 64 KiB of the answer read. Never throws: every failure is an outcome.
 */
export function postWebhook(request: PostWebhookRequest): Promise<PostOutcome> {
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  const verdict = checkWebhookUrl(request.url, request.policy);
  if (!verdict.ok) return Promise.resolve({ kind: 'error', error: verdict.reason, latencyMs: 0 });
  const { url } = verdict;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    const req = send(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)), 'user-agent': 'Vora-Webhooks/1' },
      lookup: policyLookup(request.policy),
      agent: false,
    });
    const timer = setTimeout(() => finish({ kind: 'error', error: `no answer within ${request.timeoutMs} ms`, latencyMs: elapsed() }), request.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => finish({ kind: 'error', error: error.message || error.code || 'connection failed', latencyMs: elapsed() }));
    req.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = () => finish({ kind: 'response', statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), latencyMs: elapsed() });
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size));
        size += chunk.length;
        if (size >= MAX_RESPONSE_BYTES) answer();
      });
      response.on('end', answer);
      response.on('error', answer);
    });
    req.end(request.body);
  });
}
