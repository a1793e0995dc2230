// The document title follows the page, so tabs and screen readers say where one is.
import { createEffect } from 'solid-js';

export function usePageTitle(title: () => string): void {
  createEffect(() => {
    document.title = `${title()} · Lobby`;
  });
}
