import { describe, expect, it } from 'vitest';
import { loadOriginConfig } from '../../origin/src/config.ts';

const base = { S3_ACCESS_KEY_ID: 'vora', S3_SECRET_ACCESS_KEY: 'secret-secret', VORA_API_TOKEN: 'api-token-0123456789', VORA_SECRETS_KEY: Buffer.alloc(32, 1).toString('base64') };

describe('VORA_SHIELD_URLS: the shields a deleted video is purged from', () => {
  it('is empty by default and a comma-separated list of base URLs otherwise', () => {
    expect(loadOriginConfig(base).VORA_SHIELD_URLS).toEqual([]);
    const config = loadOriginConfig({ ...base, VORA_PULL_SECRET: 'pull-secret-0123456789', VORA_SHIELD_URLS: 'http://127.0.0.1:8090, https://shield-eu.example.com/' });
    expect(config.VORA_SHIELD_URLS).toEqual(['http://127.0.0.1:8090', 'https://shield-eu.example.com/']);
  });

  it('refuses a URL with a path, and shields without the pull secret that signs purges', () => {
    expect(() => loadOriginConfig({ ...base, VORA_PULL_SECRET: 'pull-secret-0123456789', VORA_SHIELD_URLS: 'http://127.0.0.1:8090/media' })).toThrow(/VORA_SHIELD_URLS: comma-separated base URLs/);
    expect(() => loadOriginConfig({ ...base, VORA_SHIELD_URLS: 'http://127.0.0.1:8090' })).toThrow(/VORA_PULL_SECRET is not/);
  });
});
