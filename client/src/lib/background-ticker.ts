// A steady interval for presence: browsers slow a hidden page's timers to one a minute, not a worker's.

/** Calls `onTick` every `intervalMs` until the returned stop function is called. */
export function startBackgroundTicker(intervalMs: number, onTick: () => void): () => void {
  const source = `setInterval(() => postMessage(null), ${String(intervalMs)});`;
  const scriptUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(scriptUrl);
  worker.addEventListener('message', onTick);
  return () => {
    worker.terminate();
    URL.revokeObjectURL(scriptUrl);
  };
}
