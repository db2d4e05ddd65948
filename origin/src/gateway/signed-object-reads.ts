import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';
import { S3_MAX_SOCKETS } from '../s3-client.ts';
import { SigningKeyCache, signObjectRequest } from './object-request-signing.ts';
import type { StoredObject, StoredObjectHeaders, StoredObjectRequest } from './stored-object.ts';

/**
 * The gateway's hot path: GET/HEAD of one object as one SigV4-signed HTTP request on a keep-alive pool, the
 * answer's socket handed to the caller as the body. The SDK's GetObjectCommand does the same exchange through
 * endpoint rules, a middleware stack, schema serde and stream wrapping: ~1 ms of CPU a segment on this box
 * (bench/README.md, gateway-latency). Everything else (uploads, lists, deletes) stays on the SDK. Signed
 * synchronously (object-request-signing.ts).
 */

/** Where objects are read from: MinIO's (or S3's) endpoint, addressed path-style as origin/src/s3-client.ts does. */
export interface ObjectEndpoint {
  protocol: 'http:' | 'https:';
  /** As in a URL: an IPv6 address keeps its brackets. */
  hostname: string;
  port?: number;
  /** A path prefix the endpoint is mounted under ('' or '/'). */
  basePath: string;
}

/** The request before signing, in the shape SignatureV4 signs (a plain @smithy HttpRequest). */
export interface ObjectHttpRequest {
  method: 'GET' | 'HEAD';
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

/** SHA-256 of an empty payload: a GET or HEAD has no body, so nothing is hashed per request. */
export const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** At most this much of an error's XML is read (to tell NoSuchBucket from NoSuchKey); error bodies are ~300 bytes. */
const ERROR_BODY_LIMIT = 16 * 1024;

/** S3's URI encoding of one path segment: RFC 3986 unreserved characters stay, everything else is %XX. */
export function encodeKeySegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The unsigned request for one object: path-style `/{bucket}/{key}`, with the Range and If-None-Match S3 honours. */
export function buildObjectRequest(endpoint: ObjectEndpoint, request: Omit<StoredObjectRequest, 'timeoutMs'>): ObjectHttpRequest {
  const defaultPort = endpoint.protocol === 'https:' ? 443 : 80;
  const host = endpoint.port === undefined || endpoint.port === defaultPort ? endpoint.hostname : `${endpoint.hostname}:${endpoint.port}`;
  const base = endpoint.basePath.replace(/\/+$/, '');
  const headers: Record<string, string> = { host, 'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256 };
  if (request.range) headers.range = request.range;
  if (request.ifNoneMatch) headers['if-none-match'] = request.ifNoneMatch;
  return {
    method: request.headOnly ? 'HEAD' : 'GET',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port === undefined ? {} : { port: endpoint.port }),
    path: `${base}/${encodeKeySegment(request.bucket)}/${request.key.split('/').map(encodeKeySegment).join('/')}`,
    query: {},
    headers,
  };
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The answer's headers the gateway passes on. */
export function storedHeadersFrom(headers: IncomingHttpHeaders): StoredObjectHeaders {
  const stored: StoredObjectHeaders = {};
  const etag = headerValue(headers, 'etag');
  if (etag) stored.etag = etag;
  const lastModified = headerValue(headers, 'last-modified');
  if (lastModified && !Number.isNaN(Date.parse(lastModified))) stored.lastModified = new Date(lastModified);
  const length = headerValue(headers, 'content-length');
  if (length !== undefined && /^\d+$/.test(length)) stored.contentLength = Number(length);
  const range = headerValue(headers, 'content-range');
  if (range) stored.contentRange = range;
  return stored;
}

/** `<Code>` and `<ActualObjectSize>` of an S3 error document, when there is one (HEAD answers have no body). */
export function parseS3Error(xml: string): { code?: string; actualObjectSize?: number } {
  const code = /<Code>([^<]{1,100})<\/Code>/.exec(xml)?.[1];
  const size = /<ActualObjectSize>(\d{1,20})<\/ActualObjectSize>/.exec(xml)?.[1];
  return { ...(code ? { code } : {}), ...(size ? { actualObjectSize: Number(size) } : {}) };
}

/**
 * A refusal from storage in HTTP terms, mapped as storedObjectFromError maps the SDK's errors: 404 (a missing
 * bucket is a deployment fault: 500), 304, 416 with the object's size, 5xx → 503, anything else → 500.
 */
export function storedObjectFromStatus(status: number, headers: IncomingHttpHeaders, errorXml: string): StoredObject {
  const { code, actualObjectSize } = parseS3Error(errorXml);
  if (status === 304) return { status: 304, headers: storedHeadersFrom(headers) };
  if (status === 404) {
    return code === 'NoSuchBucket' ? { status: 500, cause: 'the media bucket does not exist (run the stack once to create it)' } : { status: 404 };
  }
  if (status === 416) {
    // MinIO's error names no size; a `bytes */N` Content-Range, when sent, does.
    const fromHeader = /^bytes \*\/(\d+)$/.exec(headerValue(headers, 'content-range') ?? '')?.[1];
    const size = actualObjectSize ?? (fromHeader === undefined ? undefined : Number(fromHeader));
    return size === undefined ? { status: 416 } : { status: 416, objectSize: size };
  }
  if (status >= 500) return { status: 503, cause: code ?? `HTTP ${status}` };
  return { status: 500, cause: `storage refused the read: ${code ?? status}` };
}

export interface SignedObjectReaderOptions {
  endpoint: ObjectEndpoint;
  region: string | Provider<string>;
  credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  /** Sockets kept open to storage; requests beyond wait for one (and for their deadline). */
  maxSockets?: number;
}

/** Reads objects with signed requests on its own keep-alive pool. Never throws. */
export class SignedObjectReader {
  private readonly keys = new SigningKeyCache();
  private region: string | undefined;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private readonly connectHost: string;

  constructor(readonly options: SignedObjectReaderOptions) {
    const pool = { keepAlive: true, maxSockets: options.maxSockets ?? S3_MAX_SOCKETS };
    const https = options.endpoint.protocol === 'https:';
    this.agent = https ? new HttpsAgent(pool) : new HttpAgent(pool);
    this.send = https ? httpsRequest : httpRequest;
    this.connectHost = options.endpoint.hostname.replace(/^\[(.*)\]$/, '$1');
  }

  /** Headers within `timeoutMs` (error bodies included) or a 503; then a 200/206 body the caller must consume or destroy. */
  async read(request: StoredObjectRequest): Promise<StoredObject> {
    const unsigned = buildObjectRequest(this.options.endpoint, request);
    let headers: Record<string, string>;
    try {
      const { region, credentials } = this.options;
      this.region ??= typeof region === 'string' ? region : await region();
      const identity = typeof credentials === 'function' ? await credentials() : credentials;
      headers = signObjectRequest(unsigned, { region: this.region, credentials: identity, at: new Date(), keys: this.keys });
    } catch (error) {
      return { status: 500, cause: `could not sign the read: ${(error as Error).message}` };
    }
    return new Promise<StoredObject>((resolve) => {
      let settled = false;
      let outgoing: ClientRequest | undefined;
      const settle = (answer: StoredObject) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(answer);
      };
      // The deadline covers the answer, not the transfer: a long download must not be cut.
      const timer = setTimeout(() => {
        settle({ status: 503, cause: 'no answer from storage in time' });
        outgoing?.destroy();
      }, request.timeoutMs);
      const attempt = (retried: boolean) => {
        const sent = this.send({ agent: this.agent, method: unsigned.method, hostname: this.connectHost, port: this.options.endpoint.port, path: unsigned.path, headers });
        outgoing = sent;
        sent.on('error', (error: NodeJS.ErrnoException) => {
          // A kept-alive socket storage closed as we reused it: once more on a fresh one (the SDK retried such resets too).
          if (!settled && !retried && sent.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) return attempt(true);
          settle({ status: 503, cause: error.code ?? error.message ?? 'unreachable' });
        });
        sent.on('response', (answer: IncomingMessage) => {
          const status = answer.statusCode ?? 0;
          if (status === 200 || status === 206) {
            const body = request.headOnly ? null : answer;
            if (!body) answer.resume();
            // Too late (the deadline passed while the headers came): nobody will read it.
            if (settled) return void answer.destroy();
            return settle({ status, headers: storedHeadersFrom(answer.headers), body });
          }
          void readErrorBody(answer).then((xml) => settle(storedObjectFromStatus(status, answer.headers, xml)));
        });
        sent.end();
      };
      attempt(false);
    });
  }

  /** Closes the pool's idle sockets. */
  destroy(): void {
    this.agent.destroy();
  }
}

/** The (small) error document, bounded; a broken one reads as empty. */
async function readErrorBody(answer: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of answer) {
      if (size >= ERROR_BODY_LIMIT) continue; // drain the rest so the socket goes back to the pool
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch {
    return '';
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, ERROR_BODY_LIMIT);
}

interface ResolvedS3Config {
  endpoint?: () => Promise<{ protocol: string; hostname: string; port?: number; path: string }>;
  isCustomEndpoint?: boolean;
  forcePathStyle?: boolean;
  region: Provider<string>;
  credentials: Provider<AwsCredentialIdentity>;
}

/**
 * The signed reader for an S3 client's endpoint and credentials (one per client, its own pool), or null when the
 * client is not a path-style client of a configured endpoint (MinIO, as origin/src/s3-client.ts builds it): then
 * the SDK reads.
 */
export async function signedReaderFromClient(s3: S3Client): Promise<SignedObjectReader | null> {
  const config = s3.config as unknown as ResolvedS3Config;
  if (!config.forcePathStyle || !config.isCustomEndpoint || !config.endpoint) return null;
  const endpoint = await config.endpoint();
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') return null;
  return new SignedObjectReader({
    endpoint: { protocol: endpoint.protocol, hostname: endpoint.hostname, ...(endpoint.port === undefined ? {} : { port: Number(endpoint.port) }), basePath: endpoint.path ?? '' },
    region: config.region,
    // The client's own provider: static keys for MinIO, refreshed by the SDK if they ever expire.
    credentials: config.credentials,
  });
}
