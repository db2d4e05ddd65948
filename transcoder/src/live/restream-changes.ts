/** Which pushes to start and which to cancel for a new list of target ids (workflow code: pure, in list order). */
export function restreamChanges(running: Iterable<string>, wanted: readonly string[]): { start: string[]; cancel: string[] } {
  const current = new Set(running);
  const next = new Set(wanted);
  return { start: wanted.filter((id) => !current.has(id)), cancel: [...current].filter((id) => !next.has(id)) };
}
