// A message box: errors interrupt screen readers, everything else waits its turn.
import type { JSX } from 'solid-js';

export type NoticeTone = 'info' | 'success' | 'warning' | 'error';

export function Notice(props: { tone: NoticeTone; children: JSX.Element }) {
  return (
    <div class={`notice notice--${props.tone}`} role={props.tone === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}
