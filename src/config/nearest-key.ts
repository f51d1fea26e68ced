/**
 * The known key closest to a mistyped one, by Levenshtein distance (insertions, deletions and
 * substitutions each cost 1), so `WXA_OPERATOR_TOKNE` is answered with `WXA_OPERATOR_TOKEN`.
 */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

export function nearestKey(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestDistance || (d === bestDistance && best !== undefined && k < best)) { best = k; bestDistance = d; }
  }
  return best;
}
