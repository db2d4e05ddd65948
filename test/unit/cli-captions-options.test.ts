import { describe, expect, it } from 'vitest';
import { addCaptionQuery, captionContentType } from '../../cli/operator/captions.ts';

describe('vora captions add', () => {
  it('sends the file with the type its extension names, else lets the origin read the signature', () => {
    expect(captionContentType('fr.vtt')).toBe('text/vtt; charset=utf-8');
    expect(captionContentType('/tmp/FR.SRT')).toBe('application/x-subrip; charset=utf-8');
    expect(captionContentType('subs.txt')).toBe('text/plain; charset=utf-8');
  });

  it('canonicalises the language and checks the kind before anything is sent', () => {
    expect(addCaptionQuery({ lang: 'pt-br', kind: 'subtitles' })).toBe('language=pt-BR&kind=subtitles');
    expect(addCaptionQuery({ lang: 'en', label: 'English (CC)', kind: 'captions' })).toBe('language=en&kind=captions&label=English+%28CC%29');
    expect(() => addCaptionQuery({ lang: 'english', kind: 'subtitles' })).toThrow(/not a BCP-47 language tag/);
    expect(() => addCaptionQuery({ lang: 'fr', kind: 'subs' })).toThrow(/--kind must be subtitles or captions/);
  });
});
