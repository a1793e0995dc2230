// Reading feeds off the main thread (issue 12.3): parse and expand run in a worker thread with a
// wall-clock limit, so a costly feed can neither block requests nor outlive its time.
export { createFeedReader, type FeedReader, type FeedReaderOptions } from './feed-reader.js';
