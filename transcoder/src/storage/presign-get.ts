import { createHash, createHmac } from 'node:crypto';

/** What a SigV4 query-string signature needs; plain data so the signer is pure and testable against AWS's example. */
export interface PresignGetInput {
  /** `http://127.0.0.1:9000` (path-style, MinIO) or `https://bucket.s3.amazonaws.com` with `bucket` omitted. */
  endpoint: string;
  bucket?: string;
  key: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  expiresSeconds: number;
  now: Date;
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
// RFC 3986 unreserved characters stay; everything else is percent-encoded (SigV4's rule).
const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * A presigned GET URL (AWS Signature V4, query string): ffmpeg reads the raw upload with it over http,
 * so the bytes never pass through Temporal. Hand-written because @aws-sdk/s3-request-presigner is not installed.
 */
export function presignGetUrl(input: PresignGetInput): string {
  const endpoint = new URL(input.endpoint);
  const amzDate = input.now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${input.region}/s3/aws4_request`;
  const objectPath = [input.bucket, ...input.key.split('/')].filter((part) => part !== undefined).map((part) => encode(part!)).join('/');
  const path = `${endpoint.pathname.replace(/\/$/, '')}/${objectPath}`;
  const query: [string, string][] = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${input.accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(input.expiresSeconds)],
    ['X-Amz-SignedHeaders', 'host'],
  ];
  const canonicalQuery = query.map(([name, value]) => `${encode(name)}=${encode(value)}`).sort().join('&');
  const canonicalRequest = ['GET', path, canonicalQuery, `host:${endpoint.host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = ['s3', 'aws4_request'].reduce((key, part) => hmac(key, part), hmac(hmac(`AWS4${input.secretAccessKey}`, day), input.region));
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return `${endpoint.protocol}//${endpoint.host}${path}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}
