/** The middle of `xs` (the upper middle of an even count), as every bench reports its rounds; 0 for none. */
export function median(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}
