// Sweeps act on many meetings: one that fails must neither stop nor hide the others (DESIGN §8.11).

/**
 * Runs `work` for each item, at most `concurrency` at a time (one after the other by default);
 * when some failed, throws all their errors together once every item has had its turn.
 */
export async function eachIsolated<Item>(
  items: readonly Item[],
  work: (item: Item) => Promise<unknown>,
  { concurrency = 1 }: { concurrency?: number } = {},
): Promise<void> {
  const failures: unknown[] = [];
  // One iterator shared by every runner: each item is taken exactly once.
  const pending = items.values();
  const runner = async () => {
    for (const item of pending) {
      try {
        await work(item);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, runner));
  if (failures.length > 0) {
    throw new AggregateError(failures, `${failures.length} of ${items.length} items failed`);
  }
}
