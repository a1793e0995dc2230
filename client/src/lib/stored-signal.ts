// A string kept in localStorage, as a signal that also follows changes made in other tabs.
import { createSignal, type Accessor } from 'solid-js';

function readStorage(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    // Storage can be disabled (privacy settings): the value then lasts as long as the page.
    return null;
  }
}

function writeStorage(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // See readStorage: keeping the value in memory is the best we can do.
  }
}

export function createStoredSignal(
  key: string,
): [value: Accessor<string | null>, setValue: (value: string | null) => void] {
  const [value, setValueSignal] = createSignal(readStorage(key));
  window.addEventListener('storage', (event) => {
    if (event.key === key || event.key === null) setValueSignal(readStorage(key));
  });
  const setValue = (next: string | null) => {
    writeStorage(key, next);
    setValueSignal(next);
  };
  return [value, setValue];
}
