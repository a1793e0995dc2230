// POST /webhooks/video: the video platform's presence events, verified by the platform adapter and
// applied by the presence service. Answers 401 to anything not signed by the platform.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PresenceWebhooks } from '../adapters/video/index.js';
import type { Log } from '../processes/runtime.js';
import type { ServiceDependencies } from '../services/dependencies.js';
import { applyPlatformEvent } from '../services/meetings/index.js';

export const VIDEO_WEBHOOK_PATH = '/webhooks/video';

/** Daily's events are well under 2 KiB; a larger body is not one of them. */
const WEBHOOK_BODY_MAX_BYTES = 64 * 1024;

export type VideoWebhookHandler = (
  request: IncomingMessage,
  response: ServerResponse,
) => Promise<void>;

function answer(response: ServerResponse, status: number, body: Record<string, string>): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

/** The body, or null once it passes the limit (the rest is not read). */
async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    length += bytes.length;
    if (length > WEBHOOK_BODY_MAX_BYTES) return null;
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

export function createVideoWebhookHandler(
  deps: ServiceDependencies,
  webhooks: PresenceWebhooks,
  log: Log,
): VideoWebhookHandler {
  return async (request, response) => {
    if (request.method !== 'POST') {
      answer(response, 405, { error: 'Method not allowed' });
      return;
    }
    const body = await readBody(request);
    if (body === null) {
      answer(response, 413, { error: 'Payload too large' });
      return;
    }
    const reading = webhooks.read({ headers: request.headers, body, receivedAt: deps.now() });
    switch (reading.outcome) {
      case 'rejected':
        log(`Video webhook rejected: ${reading.reason}`);
        answer(response, 401, { error: 'Invalid signature' });
        return;
      case 'malformed':
        log(`Video webhook malformed: ${reading.reason}`);
        answer(response, 400, { error: 'Malformed event' });
        return;
      case 'ignored':
        answer(response, 200, { outcome: 'ignored' });
        return;
      case 'event':
        answer(response, 200, { outcome: await applyPlatformEvent(deps, reading.event) });
    }
  };
}
