import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, createHmac } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { originS3Client } from '../../origin/src/s3-client.ts';
import { readStoredObject } from '../../origin/src/gateway/stored-object.ts';
import {
  buildObjectRequest,
  EMPTY_PAYLOAD_SHA256,
  encodeKeySegment,
  parseS3Error,
  SignedObjectReader,
  signedReaderFromClient,
  storedHeadersFrom,
  storedObjectFromStatus,
  type ObjectEndpoint,
} from '../../origin/src/gateway/signed-object-reads.ts';
import { amzDate, SigningKeyCache, signObjectRequest } from '../../origin/src/gateway/object-request-signing.ts';
import { seededRandom } from '../support/seeded-random.ts';

const minio: ObjectEndpoint = { protocol: 'http:', hostname: '127.0.0.1', port: 9000, basePath: '/' };
const read = { bucket: 'vora-media', key: 'vid_1/360p/seg_00001.m4s', headOnly: false, range: null, ifNoneMatch: null };

describe('buildObjectRequest', () => {
  it('addresses the object path-style on the endpoint, host with its port, the empty payload hash as a header', () => {
    expect(buildObjectRequest(minio, read)).toEqual({
      method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 9000, path: '/vora-media/vid_1/360p/seg_00001.m4s', query: {},
      headers: { host: '127.0.0.1:9000', 'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256 },
    });
  });

  it('asks HEAD for headers only and passes Range and If-None-Match on', () => {
    const request = buildObjectRequest(minio, { ...read, headOnly: true, range: 'bytes=0-99', ifNoneMatch: '"abc"' });
    expect(request.method).toBe('HEAD');
    expect(request.headers).toMatchObject({ range: 'bytes=0-99', 'if-none-match': '"abc"' });
  });

  it('leaves a default port out of Host and keeps an endpoint path prefix', () => {
    const request = buildObjectRequest({ protocol: 'https:', hostname: 's3.example.net', port: 443, basePath: '/store/' }, read);
    expect(request.headers.host).toBe('s3.example.net');
    expect(request.path).toBe('/store/vora-media/vid_1/360p/seg_00001.m4s');
  });

  it('encodes each key segment as S3 does, keeping the slashes between them', () => {
    expect(encodeKeySegment("a b+c!'()*~._-")).toBe('a%20b%2Bc%21%27%28%29%2A~._-');
    expect(buildObjectRequest(minio, { ...read, key: 'v/a b/c?d' }).path).toBe('/vora-media/v/a%20b/c%3Fd');
  });
});

/** node:crypto in the shape @smithy/signature-v4 asks for: the reference signer the gateway's own is checked against. */
class NodeSha256 implements Checksum {
  private hash;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.make();
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.make();
  }
  private make() {
    if (this.secret === undefined) return createHash('sha256');
    return createHmac('sha256', typeof this.secret === 'string' ? this.secret : new Uint8Array(this.secret as ArrayBuffer));
  }
}

describe('signObjectRequest (SigV4, synchronous)', () => {
  const example = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

  it("signs AWS's documented GET Object example (SigV4 for S3, header-based auth) to its published signature", () => {
    // https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "Example: GET Object".
    const request = buildObjectRequest({ protocol: 'https:', hostname: 'examplebucket.s3.amazonaws.com', basePath: '' }, { ...read, bucket: 'x', key: 'test.txt', range: 'bytes=0-9' });
    // The example is virtual-hosted (no bucket in the path); the signing is the same either way.
    const headers = signObjectRequest({ ...request, path: '/test.txt' }, { region: 'us-east-1', credentials: example, at: new Date('2013-05-24T00:00:00Z'), keys: new SigningKeyCache() });
    expect(headers['x-amz-date']).toBe('20130524T000000Z');
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, '
        + 'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('signs what @smithy/signature-v4 signs for any object read: keys, ranges, entity tags, ports, days, session tokens', async () => {
    const random = seededRandom(23);
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
    const keys = new SigningKeyCache();
    for (let trial = 0; trial < 200; trial += 1) {
      const endpoint = pick<ObjectEndpoint>([minio, { protocol: 'https:', hostname: 's3.example.net', basePath: '/store' }, { protocol: 'http:', hostname: '[::1]', port: 9100, basePath: '' }]);
      const key = pick(['vid_1/360p/seg_00001.m4s', 'vid_2/master.m3u8', "v/a b/c?d!'()*", 'v/ümlaut/ß.m4s']);
      const request = buildObjectRequest(endpoint, { bucket: pick(['vora-media', 'b.c']), key, headOnly: random() < 0.3, range: pick([null, 'bytes=0-99', 'bytes=100-']), ifNoneMatch: pick([null, '"e1"', '"abc  def"']) });
      const credentials = { ...example, ...(random() < 0.2 ? { sessionToken: `token/${trial}+=` } : {}) };
      const region = pick(['us-east-1', 'eu-west-3']);
      const at = new Date(Date.UTC(2026, 11, 6 + Math.floor(random() * 3), Math.floor(random() * 24), Math.floor(random() * 60), Math.floor(random() * 60)));
      const reference = new SignatureV4({ service: 's3', region, credentials, sha256: NodeSha256, uriEscapePath: false, applyChecksum: true });
      const expected = await reference.sign({ ...request, headers: { ...request.headers } }, { signingDate: at });
      const headers = signObjectRequest(request, { region, credentials, at, keys });
      expect(headers, `trial ${trial}`).toEqual(expected.headers);
      expect(amzDate(at)).toBe(expected.headers['x-amz-date']);
    }
  });
});

describe('storage answers in HTTP terms', () => {
  it('keeps the headers the gateway passes on, typed', () => {
    expect(storedHeadersFrom({ etag: '"e1"', 'last-modified': 'Wed, 21 Oct 2015 07:28:00 GMT', 'content-length': '1048576', 'content-range': 'bytes 0-99/1048576' })).toEqual({
      etag: '"e1"', lastModified: new Date('2015-10-21T07:28:00Z'), contentLength: 1048576, contentRange: 'bytes 0-99/1048576',
    });
    expect(storedHeadersFrom({ 'last-modified': 'not a date', 'content-length': 'x' })).toEqual({});
  });

  it("reads an S3 error document's code and object size", () => {
    expect(parseS3Error('<?xml version="1.0"?><Error><Code>InvalidRange</Code><ActualObjectSize>1234</ActualObjectSize></Error>')).toEqual({ code: 'InvalidRange', actualObjectSize: 1234 });
    expect(parseS3Error('')).toEqual({});
  });

  it('maps refusals as the SDK path maps its errors: missing object 404, missing bucket 500, sick storage 503', () => {
    expect(storedObjectFromStatus(404, {}, '<Error><Code>NoSuchKey</Code></Error>')).toEqual({ status: 404 });
    expect(storedObjectFromStatus(404, {}, '')).toEqual({ status: 404 });
    expect(storedObjectFromStatus(404, {}, '<Error><Code>NoSuchBucket</Code></Error>')).toMatchObject({ status: 500 });
    expect(storedObjectFromStatus(304, { etag: '"e1"' }, '')).toEqual({ status: 304, headers: { etag: '"e1"' } });
    expect(storedObjectFromStatus(503, {}, '<Error><Code>SlowDown</Code></Error>')).toEqual({ status: 503, cause: 'SlowDown' });
    expect(storedObjectFromStatus(500, {}, '')).toEqual({ status: 503, cause: 'HTTP 500' });
    expect(storedObjectFromStatus(403, {}, '<Error><Code>SignatureDoesNotMatch</Code></Error>')).toEqual({ status: 500, cause: 'storage refused the read: SignatureDoesNotMatch' });
  });

  it("gives a 416 the object's size from the error document or a bytes */N Content-Range", () => {
    expect(storedObjectFromStatus(416, {}, '<Error><Code>InvalidRange</Code><ActualObjectSize>77</ActualObjectSize></Error>')).toEqual({ status: 416, objectSize: 77 });
    expect(storedObjectFromStatus(416, { 'content-range': 'bytes */88' }, '<Error><Code>InvalidRange</Code></Error>')).toEqual({ status: 416, objectSize: 88 });
    expect(storedObjectFromStatus(416, {}, '')).toEqual({ status: 416 });
  });
});

describe('signedReaderFromClient', () => {
  it("reads with the origin client's endpoint and credentials, path-style", async () => {
    const s3 = originS3Client({ S3_ENDPOINT: 'http://127.0.0.1:9010', S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'user', S3_SECRET_ACCESS_KEY: 'password' });
    const reader = await signedReaderFromClient(s3);
    expect(reader?.options.endpoint).toEqual({ protocol: 'http:', hostname: '127.0.0.1', port: 9010, basePath: '/' });
    const credentials = reader!.options.credentials;
    expect(await (typeof credentials === 'function' ? credentials() : credentials)).toMatchObject({ accessKeyId: 'user', secretAccessKey: 'password' });
    reader!.destroy();
    s3.destroy();
  });

  it('leaves a virtual-hosted or AWS-default client to the SDK', async () => {
    const aws = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
    expect(await signedReaderFromClient(aws)).toBeNull();
    const virtualHosted = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9010', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
    expect(await signedReaderFromClient(virtualHosted)).toBeNull();
  });
});

describe('SignedObjectReader on a socket', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });
  const credentials = { accessKeyId: 'k', secretAccessKey: 's' };
  const listen = async (handler: Parameters<typeof createServer>[1]) => {
    server = createServer(handler);
    server.keepAliveTimeout = 100;
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };

  it('sends one signed request and hands over the body as it streams', async () => {
    const seen: { url?: string; authorization?: string } = {};
    const port = await listen((request, response) => {
      seen.url = request.url;
      seen.authorization = request.headers.authorization;
      response.writeHead(206, { 'Content-Range': 'bytes 0-4/10', 'Content-Length': '5', ETag: '"e"' });
      response.end('hello');
    });
    const reader = new SignedObjectReader({ endpoint: { ...minio, port }, region: 'us-east-1', credentials });
    const answer = await reader.read({ ...read, range: 'bytes=0-4', timeoutMs: 2_000 });
    expect(answer).toMatchObject({ status: 206, headers: { etag: '"e"', contentLength: 5, contentRange: 'bytes 0-4/10' } });
    const chunks: Buffer[] = [];
    for await (const chunk of (answer as { body: AsyncIterable<Buffer> }).body) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('hello');
    expect(seen.url).toBe('/vora-media/vid_1/360p/seg_00001.m4s');
    expect(seen.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=k\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
    reader.destroy();
  });

  it("asks the client again on the next read when its endpoint did not resolve, rather than reading through the SDK for good", async () => {
    const userAgents: string[] = [];
    const port = await listen((request, response) => {
      userAgents.push(String(request.headers['user-agent'] ?? ''));
      response.writeHead(200, { 'Content-Length': '2', ETag: '"e"' });
      response.end('ok');
    });
    const s3 = originS3Client({ S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's' });
    const config = s3.config as unknown as { endpoint: () => Promise<unknown> };
    const endpoint = config.endpoint;
    let asked = 0;
    config.endpoint = async () => {
      asked += 1;
      if (asked === 1) throw new Error('endpoint not resolvable yet');
      return endpoint();
    };
    for (let i = 0; i < 2; i += 1) {
      const answer = await readStoredObject(s3, { ...read, timeoutMs: 2_000 });
      expect(answer.status).toBe(200);
      for await (const _ of (answer as { body: AsyncIterable<Buffer> }).body);
    }
    // The first read went through the SDK (its user agent), the second through the signed reader (none).
    expect(userAgents).toHaveLength(2);
    expect(userAgents[0]).toMatch(/aws-sdk-js/);
    expect(userAgents[1]).not.toMatch(/aws-sdk-js/);
    s3.destroy();
  });

  it('is a 503 when storage sends no headers in time, and when nothing listens', async () => {
    const port = await listen(() => {});
    const reader = new SignedObjectReader({ endpoint: { ...minio, port }, region: 'us-east-1', credentials });
    expect(await reader.read({ ...read, timeoutMs: 50 })).toEqual({ status: 503, cause: 'no answer from storage in time' });
    reader.destroy();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const closed = new SignedObjectReader({ endpoint: { ...minio, port }, region: 'us-east-1', credentials });
    expect(await closed.read({ ...read, timeoutMs: 2_000 })).toEqual({ status: 503, cause: 'ECONNREFUSED' });
  });
});
