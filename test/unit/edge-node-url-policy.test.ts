import { describe, expect, it } from 'vitest';
import { isLoopbackHost, nodeUrlRefusal, plainHttpNodesAllowed } from '../../edge/src/nodes/node-url-policy.ts';

describe('nodeUrlRefusal: viewers are sent to HTTPS nodes outside local development', () => {
  const strict = { allowPlainHttp: false };

  it('takes https:// anywhere and http:// on loopback', () => {
    for (const url of ['https://cdn-1.example.com', 'https://203.0.113.9:8443', 'http://127.0.0.1:8081', 'http://localhost:8081', 'http://node.localhost', 'http://[::1]:8081', 'http://127.8.9.10']) {
      expect(nodeUrlRefusal(url, strict), url).toBeNull();
    }
  });

  it('refuses plain HTTP elsewhere, naming the fix, unless the exception is on', () => {
    for (const url of ['http://cdn-1.example.com', 'http://10.0.0.5:8081', 'http://127.0.0.1.example.com', 'http://localhost.example.com']) {
      expect(nodeUrlRefusal(url, strict), url).toMatch(/plain HTTP.*serve the node over HTTPS.*ALLOW_PLAIN_HTTP_NODES/);
      expect(nodeUrlRefusal(url, { allowPlainHttp: true }), url).toBeNull();
    }
    expect(nodeUrlRefusal('ftp://x', strict)).toMatch(/must be https/);
    expect(nodeUrlRefusal('not a url', strict)).toMatch(/not a URL/);
  });

  it('reads the exception only from "true" or "1"', () => {
    expect([plainHttpNodesAllowed('true'), plainHttpNodesAllowed('1'), plainHttpNodesAllowed(undefined), plainHttpNodesAllowed('yes'), plainHttpNodesAllowed('')]).toEqual([true, true, false, false, false]);
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });
});
