// The thread that reads feeds for FeedReader: one read per message, its answer or its parse failure.
import { parentPort } from 'node:worker_threads';
import { FeedParseError, readFeed } from '../../domain/calendar/read-feed.js';
import type { ReadReply, ReadRequest } from './messages.js';

const port = parentPort;
if (port === null) {
  throw new Error('read-feed-worker runs as a worker thread');
}

port.on('message', (request: ReadRequest) => {
  let reply: ReadReply;
  try {
    reply = { kind: 'read', reading: readFeed(request.text, request.options) };
  } catch (error) {
    if (!(error instanceof FeedParseError)) throw error;
    reply = { kind: 'parse-failed', message: error.message };
  }
  port.postMessage(reply);
});
