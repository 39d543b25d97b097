/**
 * Shannon entropy in bits per character: the usual test of "does this look random". Random base62 is
 * about 5.95 bits at length 64 and less for short strings (there are not enough characters to show it),
 * so thresholds in rules are set per format.
 */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const probability = count / value.length;
    entropy -= probability * Math.log2(probability);
  }
  return entropy;
}
