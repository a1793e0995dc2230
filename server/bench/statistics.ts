// Figures the benchmarks print.

/** The value below which `fraction` of the sorted values lie. */
export function percentile(sortedValues: readonly number[], fraction: number): number {
  const index = Math.min(sortedValues.length - 1, Math.floor(fraction * sortedValues.length));
  return sortedValues[index] ?? Number.NaN;
}

export const formatMs = (value: number) => `${value.toFixed(1)} ms`;
