// Copies a text (the room URL) and says so, in words that screen readers hear too.
import { createSignal, onCleanup } from 'solid-js';

const CONFIRMATION_MS = 2_000;

export function CopyButton(props: { text: string; label: string }) {
  const [state, setState] = createSignal<'idle' | 'copied' | 'failed'>('idle');
  let resetTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => {
    clearTimeout(resetTimer);
  });

  const copy = async () => {
    clearTimeout(resetTimer);
    try {
      await navigator.clipboard.writeText(props.text);
      setState('copied');
    } catch {
      // Clipboard access needs a secure context and permission; the text stays selectable.
      setState('failed');
    }
    resetTimer = setTimeout(() => setState('idle'), CONFIRMATION_MS);
  };

  return (
    <span class="copy">
      <button type="button" class="button button--secondary" onClick={() => void copy()}>
        {props.label}
      </button>
      <span class="copy__status" role="status">
        {state() === 'copied'
          ? 'Copied'
          : state() === 'failed'
            ? 'Copy failed: select the text and copy it'
            : ''}
      </span>
    </span>
  );
}
