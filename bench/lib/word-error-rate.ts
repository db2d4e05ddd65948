/**
 * Word error rate of a transcript against the text that was spoken: (substitutions + deletions + insertions) /
 * words spoken, by word-level Levenshtein distance. Words compare lowercased, without punctuation (`Dog.` = `dog`),
 * so only recognition errors count, not casing or punctuation, which engines differ in. Pure.
 */
export interface WordErrorRate {
  rate: number;
  errors: number;
  referenceWords: number;
  substitutions: number;
  deletions: number;
  insertions: number;
}

/** Lowercase words, apostrophes kept (`don't`), everything else a separator. */
export function normalisedWords(text: string): string[] {
  return text.toLowerCase().replace(/[’‘]/g, "'").match(/[\p{L}\p{N}']+/gu)?.map((word) => word.replace(/^'+|'+$/g, '')).filter((word) => word !== '') ?? [];
}

export function wordErrorRate(reference: string, hypothesis: string): WordErrorRate {
  const said = normalisedWords(reference);
  const heard = normalisedWords(hypothesis);
  if (said.length === 0) throw new Error('the word error rate needs a reference with at least one word');
  // One row of the edit table at a time; each cell keeps its cost and how it splits into the three kinds.
  type Cell = { cost: number; substitutions: number; deletions: number; insertions: number };
  let previous: Cell[] = heard.map((_, j) => ({ cost: j + 1, substitutions: 0, deletions: 0, insertions: j + 1 }));
  previous.unshift({ cost: 0, substitutions: 0, deletions: 0, insertions: 0 });
  for (let i = 1; i <= said.length; i += 1) {
    const row: Cell[] = [{ cost: i, substitutions: 0, deletions: i, insertions: 0 }];
    for (let j = 1; j <= heard.length; j += 1) {
      const same = said[i - 1] === heard[j - 1];
      const diagonal = previous[j - 1]!;
      const up = previous[j]!;
      const left = row[j - 1]!;
      const options: Cell[] = [
        { ...diagonal, cost: diagonal.cost + (same ? 0 : 1), substitutions: diagonal.substitutions + (same ? 0 : 1) },
        { ...up, cost: up.cost + 1, deletions: up.deletions + 1 },
        { ...left, cost: left.cost + 1, insertions: left.insertions + 1 },
      ];
      row.push(options.reduce((best, option) => (option.cost < best.cost ? option : best)));
    }
    previous = row;
  }
  const last = previous[heard.length]!;
  return { rate: last.cost / said.length, errors: last.cost, referenceWords: said.length, substitutions: last.substitutions, deletions: last.deletions, insertions: last.insertions };
}
