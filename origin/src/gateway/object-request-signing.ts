import { createHash, createHmac } from 'node:crypto';
import type { AwsCredentialIdentity } from '@smithy/types';

/**
 * SigV4 (header-based, S3) for the gateway's object reads, synchronous on node:crypto: what @smithy/signature-v4
 * signs for the same request, without its request cloning, providers and async hashing (~18 KB of garbage and
 * ~0.1 ms a segment here; bench/README.md, gateway-latency). The path is signed as given: already URI-encoded
 * once, as S3 wants (no second escaping).
 */

/** The parts of a request SigV4 covers; `headers` holds lower-case names (host among them). */
export interface SignableRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

/** `20130524T000000Z`. */
export function amzDate(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** One signing key per day, region and secret: four HMACs, made once a day instead of per request. */
export class SigningKeyCache {
  private cached: { day: string; region: string; secret: string; key: Buffer } | null = null;

  keyFor(day: string, region: string, secret: string): Buffer {
    const hit = this.cached;
    if (hit && hit.day === day && hit.region === region && hit.secret === secret) return hit.key;
    const dateKey = createHmac('sha256', `AWS4${secret}`).update(day).digest();
    const regionKey = createHmac('sha256', dateKey).update(region).digest();
    const serviceKey = createHmac('sha256', regionKey).update('s3').digest();
    const key = createHmac('sha256', serviceKey).update('aws4_request').digest();
    this.cached = { day, region, secret, key };
    return key;
  }
}

/**
 * The request's headers plus `x-amz-date`, `authorization` (and `x-amz-security-token` with temporary credentials).
 * Every header given is signed; the payload hash is the request's own `x-amz-content-sha256`.
 */
export function signObjectRequest(request: SignableRequest, options: { region: string; credentials: AwsCredentialIdentity; at: Date; keys: SigningKeyCache }): Record<string, string> {
  const { region, credentials, at, keys } = options;
  const longDate = amzDate(at);
  const day = longDate.slice(0, 8);
  const headers: Record<string, string> = { ...request.headers, 'x-amz-date': longDate };
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  let canonicalHeaders = '';
  for (const name of names) canonicalHeaders += `${name}:${headers[name]!.trim().replace(/\s+/g, ' ')}\n`;
  const signedHeaders = names.join(';');
  const payloadHash = headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD';
  const canonicalRequest = `${request.method}\n${request.path}\n\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
  const scope = `${day}/${region}/s3/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const signature = createHmac('sha256', keys.keyFor(day, region, credentials.secretAccessKey)).update(stringToSign).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
