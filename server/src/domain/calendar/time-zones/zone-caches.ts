// The process-wide memos of zone arithmetic. Their keys come from feed content, so each is an LRU of
// fixed size: a feed naming thousands of zones cannot grow the process's memory (issue 11.9).
import { LRUCache } from 'lru-cache';

const sizes = new Map<string, () => number>();

export type ZoneCache<V> = {
  get(key: string): { value: V } | undefined;
  set(key: string, value: V): void;
};

/** A named memo of at most `maxEntries` entries; `null` values can be kept too (boxed). */
export function zoneCache<V>(name: string, maxEntries: number): ZoneCache<V> {
  const cache = new LRUCache<string, { value: V }>({ max: maxEntries });
  sizes.set(name, () => cache.size);
  return {
    get: (key) => cache.get(key),
    set: (key, value) => {
      cache.set(key, { value });
    },
  };
}

/** How many entries each memo holds now (for tests and diagnostics). */
export function zoneCacheSizes(): Record<string, number> {
  return Object.fromEntries([...sizes].map(([name, size]) => [name, size()]));
}
