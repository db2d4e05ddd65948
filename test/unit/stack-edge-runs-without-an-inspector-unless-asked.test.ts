import { describe, expect, it } from 'vitest';
import { shiftedPorts } from '../../contracts/local-ports.ts';
import { stackContext } from '../../stack/component.ts';
import { edgeDevArgs } from '../../stack/components/edge.ts';
import { parseEdgeDevArgs, textModuleFilter } from '../../stack/edge-dev.ts';
import { fakeSecrets } from '../support/secrets.ts';

const ctx = stackContext(shiftedPorts(3000), fakeSecrets(), '/tmp/vora-test-home');

describe('the edge component command line', () => {
  it('starts the edge with no inspector by default, and the launcher reads it back with every port and var', () => {
    const args = edgeDevArgs(ctx, '/tmp/vora-test-home/edge.dev.vars', false);
    expect(args).not.toContain('--inspector-port');
    const options = parseEdgeDevArgs(args);
    expect(options).toMatchObject({ ip: '127.0.0.1', port: ctx.ports.edge, persistTo: '/tmp/vora-test-home/wrangler', envFile: '/tmp/vora-test-home/edge.dev.vars', logLevel: 'info' });
    expect(options.inspectorPort).toBeUndefined();
    expect(options.vars.ORIGIN_URL).toBe(`http://127.0.0.1:${ctx.ports.origin}`);
    expect(options.vars.MEDIA_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
  });

  it('opens the inspector on the stack\'s inspector port when asked', () => {
    const options = parseEdgeDevArgs(edgeDevArgs(ctx, '/tmp/x.vars', true));
    expect(options.inspectorPort).toBe(ctx.ports.edgeInspector);
  });
});

describe('parseEdgeDevArgs', () => {
  const base = ['--config', 'wrangler.toml', '--port', '8787', '--persist-to', '/tmp/w', '--env-file', '/tmp/e'];

  it('keeps a var value with colons whole (a URL)', () => {
    expect(parseEdgeDevArgs([...base, '--var', 'ORIGIN_URL:http://127.0.0.1:8080']).vars).toEqual({ ORIGIN_URL: 'http://127.0.0.1:8080' });
  });

  it('names a missing flag, a bad port, a bad var and a bad log level', () => {
    expect(() => parseEdgeDevArgs(base.slice(2))).toThrow(/--config is required/);
    expect(() => parseEdgeDevArgs([...base.slice(0, 2), '--port', 'http', ...base.slice(4)])).toThrow(/--port must be a port number.*"http"/);
    expect(() => parseEdgeDevArgs([...base, '--inspector-port', '70000'])).toThrow(/--inspector-port must be a port number/);
    expect(() => parseEdgeDevArgs([...base, '--var', 'NOCOLON'])).toThrow(/--var takes NAME:VALUE/);
    expect(() => parseEdgeDevArgs([...base, '--log-level', 'loud'])).toThrow(/--log-level must be one of/);
    expect(() => parseEdgeDevArgs([...base, '--inspect'])).toThrow(/inspect/);
  });
});

describe('textModuleFilter (wrangler.toml Text rules in the edge bundle)', () => {
  it('matches the files the rules name, wherever they are, and nothing else', () => {
    const filter = textModuleFilter([{ type: 'Text', globs: ['**/hls.min.js'] }, { type: 'Data', globs: ['**/x.bin'] }])!;
    expect(filter.test('/repo/node_modules/hls.js/dist/hls.min.js')).toBe(true);
    expect(filter.test('/repo/node_modules/hls.js/dist/hls.js')).toBe(false);
    expect(filter.test('/repo/node_modules/x/hlsXmin.js')).toBe(false);
    expect(filter.test('/repo/x.bin')).toBe(false);
  });

  it('is null without Text rules, and names a glob it cannot bundle', () => {
    expect(textModuleFilter([])).toBeNull();
    expect(() => textModuleFilter([{ type: 'Text', globs: ['**/*.txt'] }])).toThrow(/"\*\*\/\*\.txt".*only "\*\*\/file-name" globs/);
  });
});
