import { describe, expect, it } from 'vitest';
import { normalisedWords, wordErrorRate } from '../../bench/lib/word-error-rate.ts';

describe('word error rate', () => {
  it('is 0 for the same words, whatever the casing and punctuation', () => {
    expect(wordErrorRate('The quick brown fox.', 'the QUICK, brown fox')).toMatchObject({ rate: 0, errors: 0, referenceWords: 4 });
  });

  it('counts substitutions, deletions and insertions apart', () => {
    expect(wordErrorRate('the quick brown fox', 'the quick round fox')).toMatchObject({ errors: 1, substitutions: 1, deletions: 0, insertions: 0, rate: 0.25 });
    expect(wordErrorRate('the quick brown fox', 'the brown fox')).toMatchObject({ errors: 1, deletions: 1, substitutions: 0, insertions: 0 });
    expect(wordErrorRate('the quick brown fox', 'oh the quick brown fox jumps')).toMatchObject({ errors: 2, insertions: 2, substitutions: 0, deletions: 0, rate: 0.5 });
  });

  it('is the minimum edit count (an alignment, not a position-by-position compare)', () => {
    // Position by position every word differs; one deletion at the front is the truth.
    expect(wordErrorRate('a b c d e', 'b c d e')).toMatchObject({ errors: 1, deletions: 1 });
  });

  it('can exceed 1 when the transcript is longer than what was said, and is 1 for silence', () => {
    expect(wordErrorRate('hello', 'oh well hello there friend').rate).toBe(4);
    expect(wordErrorRate('hello world', '')).toMatchObject({ rate: 1, deletions: 2 });
  });

  it('keeps apostrophes inside words and reads curly ones as straight', () => {
    expect(normalisedWords("Don’t STOP — 'we're' here!")).toEqual(["don't", 'stop', "we're", 'here']);
    expect(wordErrorRate("we'll go", 'well go').errors).toBe(1);
  });

  it('needs a reference with words', () => {
    expect(() => wordErrorRate(' ... ', 'x')).toThrow(/at least one word/);
  });
});
