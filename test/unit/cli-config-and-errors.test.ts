import { describe, expect, it } from 'vitest';
import { apiErrorMessage, parseErrorBody } from '../../cli/lib/api-client.ts';
import { resolveCliConfig } from '../../cli/lib/config.ts';
import { describeError, isUnreachable, unreachableMessage } from '../../cli/lib/errors.ts';

describe('resolveCliConfig', () => {
  it('defaults to the local stack, shifted by VORA_PORT_OFFSET, with the secrets file', () => {
    const config = resolveCliConfig({ VORA_PORT_OFFSET: '100' }, { apiToken: 'file-token', internalSecret: 'file-secret' }, '/home/.vora');
    expect(config).toEqual({
      originUrl: 'http://127.0.0.1:8180',
      apiToken: 'file-token',
      edgeUrl: 'http://127.0.0.1:8887',
      internalSecret: 'file-secret',
      kafkaBrokers: ['127.0.0.1:9192'],
      dataDir: '/home/.vora',
    });
  });
  it('lets the environment win, one setting at a time', () => {
    const env = { VORA_ORIGIN_URL: 'https://origin.example/', VORA_API_TOKEN: 'env-token', VORA_KAFKA_BROKERS: 'a:1, b:2' };
    const config = resolveCliConfig(env, { apiToken: 'file-token', internalSecret: 'file-secret' }, '/d');
    expect(config).toMatchObject({ originUrl: 'https://origin.example', apiToken: 'env-token', internalSecret: 'file-secret', kafkaBrokers: ['a:1', 'b:2'] });
  });
  it('names a bad offset', () => {
    expect(() => resolveCliConfig({ VORA_PORT_OFFSET: 'x' }, {}, '/d')).toThrow(/VORA_PORT_OFFSET/);
  });
});

describe('API errors', () => {
  it('reads our JSON error shape, and falls back to the first line of text', () => {
    expect(parseErrorBody(404, '{"error":{"code":"not_found","message":"no video vid_x"}}')).toEqual({ code: 'not_found', message: 'no video vid_x' });
    expect(parseErrorBody(502, 'Bad Gateway\n<html>')).toEqual({ code: 'error', message: 'Bad Gateway' });
    expect(parseErrorBody(500, '')).toEqual({ code: 'error', message: 'HTTP 500' });
  });
  it('says what to do for 401, passes a 404 through, and points 5xx at the log', () => {
    expect(apiErrorMessage('the origin', 401, 'bad token', 'set VORA_API_TOKEN')).toBe('the origin refused the token (401: bad token) — set VORA_API_TOKEN');
    expect(apiErrorMessage('the origin', 404, 'no video vid_x', '')).toBe('no video vid_x');
    expect(apiErrorMessage('the origin', 503, 'MinIO down', '')).toMatch(/failed \(503: MinIO down\) — its log/);
    expect(apiErrorMessage('the origin', 409, 'already uploaded', '')).toBe('the origin answered 409: already uploaded');
  });
});

describe('error lines', () => {
  it('finds a refused connection in the cause chain', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(isUnreachable(new TypeError('fetch failed', { cause: refused }))).toBe(true);
    expect(isUnreachable(new Error('bad answer'))).toBe(false);
    expect(unreachableMessage('the origin', 'http://h:1')).toBe('cannot reach the origin at http://h:1 — is `npm start` running? (`vora doctor` checks)');
  });
  it('prints one line unless verbose', () => {
    const error = new Error('first line\nsecond line');
    expect(describeError(error, false)).toBe('first line');
    expect(describeError(error, true)).toContain('at ');
  });
});
