import { describe, expect, it } from 'vitest';
import { pinImportMetaUrl } from '../../stack/node-build.ts';

describe('pinImportMetaUrl (the origin and transcoder run from one bundle)', () => {
  const fileUrl = 'file:///repo/origin/src/outgoing-webhooks/webhook-worker.ts';

  it('pins every import.meta.url to the module it was written in', () => {
    const source = "const a = new URL('./delivery-workflow.ts', import.meta.url);\nconst b = createRequire(import.meta.url);";
    expect(pinImportMetaUrl(source, fileUrl)).toBe(
      `const a = new URL('./delivery-workflow.ts', "${fileUrl}");\nconst b = createRequire("${fileUrl}");`,
    );
  });

  it('leaves the rest of import.meta and look-alike names alone', () => {
    const source = 'const d = import.meta.dirname; const e = import.meta.urlish; const f = x.import.meta.url2;';
    expect(pinImportMetaUrl(source, fileUrl)).toBe(source);
  });
});
