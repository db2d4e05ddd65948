import { describe, expect, it } from 'vitest';
import { renderHitchConfig } from '../../shield/hitch.ts';

describe('renderHitchConfig: the TLS front of the shield', () => {
  it('terminates TLS and hands Varnish the client address in a PROXY v2 header', () => {
    const config = renderHitchConfig({ frontend: '*:443', backend: '127.0.0.1:6086', pemFile: '/run/vora/shield.pem', workers: 4, user: '_hitch' });
    expect(config).toContain('frontend = "[*]:443"');
    expect(config).toContain('backend = "[127.0.0.1]:6086"');
    expect(config).toContain('pem-file = "/run/vora/shield.pem"');
    expect(config).toContain('write-proxy-v2 = on');
    expect(config).toContain('tls-protos = TLSv1.2 TLSv1.3');
    expect(config).toContain('daemon = off');
    expect(config).toContain('workers = 4');
    expect(config).toContain('user = "_hitch"');
    expect(renderHitchConfig({ frontend: '127.0.0.1:8443', backend: '127.0.0.1:8091', pemFile: '/tmp/x.pem' })).not.toContain('user =');
  });

  it('sends no PROXY header to a backend that does not read one (the ingest\'s nginx-rtmp)', () => {
    const config = renderHitchConfig({ frontend: '*:443', backend: '127.0.0.1:1935', pemFile: '/run/vora/ingest.pem', proxyProtocol: false });
    expect(config).toContain('write-proxy-v2 = off');
    expect(config).not.toContain('write-proxy-v2 = on');
  });

  it('refuses values that would break out of its quotes', () => {
    expect(() => renderHitchConfig({ frontend: '*:443"\nbackend = "[evil]:1', backend: '127.0.0.1:1', pemFile: '/x.pem' })).toThrow(/frontend/);
    expect(() => renderHitchConfig({ frontend: '*:443', backend: '127.0.0.1:1', pemFile: 'relative.pem' })).toThrow(/pem file/);
    expect(() => renderHitchConfig({ frontend: '*:443', backend: '127.0.0.1:1', pemFile: '/x.pem', user: 'root"' })).toThrow(/user/);
    expect(() => renderHitchConfig({ frontend: '*:443', backend: '127.0.0.1:1', pemFile: '/x.pem', workers: 0 })).toThrow(/workers/);
  });
});
