// Prometheus metrics (GET /metrics): one registry per process with the process defaults, what the
// services report through their Instruments, the job queue, and the API's GraphQL, WebSocket and
// live fan-out figures where the process serves the API.
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WebSocketServer } from 'ws';
import type { JobFailureListener, JobQueue } from '../engines/jobs.js';
import type { Instruments } from '../services/instruments.js';
import type { RoomLobbies } from '../services/lobby/room-lobbies.js';

export type Metrics = { contentType: string; render(): Promise<string> };

/** The process's registry and the ways its parts report into it. */
export type ProcessMetrics = Metrics & {
  instruments: Instruments;
  /** For the job queue's constructor: counts failed attempts per queue and job. */
  onJobFailed: JobFailureListener;
  observeJobQueue(jobs: Pick<JobQueue, 'name' | 'counts'>): void;
  observeRoomLobbies(
    roomLobbies: Pick<RoomLobbies, 'loadCount' | 'roomCount' | 'subscriberCount'>,
  ): void;
  observeWebSockets(webSockets: Pick<WebSocketServer, 'clients'>): void;
  /** Yoga's Prometheus plugin: GraphQL operation durations and errors, over HTTP and WebSocket. */
  graphqlPlugin(): Plugin;
};

// Syncs of an unchanged feed take milliseconds; a slow feed server can hold one for its timeout.
const syncDurationBucketsSeconds = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
// From a one-event feed to the fetcher's 5 MiB cap.
const feedBodyBuckets = [1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 5_242_880];

function createInstruments(registry: Registry): Instruments {
  const syncRunDuration = new Histogram({
    name: 'lobby_sync_run_duration_seconds',
    help: 'Calendar sync runs by outcome and how long they took (its _count counts runs)',
    labelNames: ['outcome'],
    buckets: syncDurationBucketsSeconds,
    registers: [registry],
  });
  const feedFetches = new Counter({
    name: 'lobby_feed_fetches_total',
    help: 'Feed downloads by HTTP status, or by error code when no answer came',
    labelNames: ['status'],
    registers: [registry],
  });
  const feedBodyBytes = new Histogram({
    name: 'lobby_feed_fetch_body_bytes',
    help: 'Size of the feed bodies downloaded (its _sum is the bytes fetched)',
    buckets: feedBodyBuckets,
    registers: [registry],
  });
  const meetingsOpened = new Counter({
    name: 'lobby_meetings_opened_total',
    help: 'Meetings opened, by origin (calendar occurrence or ad hoc)',
    labelNames: ['origin'],
    registers: [registry],
  });
  const meetingsEnded = new Counter({
    name: 'lobby_meetings_ended_total',
    help: 'Meetings ended, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  return {
    syncRunFinished({ outcome, durationSeconds }) {
      syncRunDuration.observe({ outcome }, durationSeconds);
    },
    feedFetched(status, bodyBytes) {
      feedFetches.inc({ status });
      if (bodyBytes > 0) feedBodyBytes.observe(bodyBytes);
    },
    meetingOpened({ origin }) {
      meetingsOpened.inc({ origin });
    },
    meetingEnded({ reason }) {
      meetingsEnded.inc({ reason });
    },
  };
}

export function createProcessMetrics(): ProcessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'lobby_' });
  const jobFailures = new Counter({
    name: 'lobby_job_failures_total',
    help: 'Failed job attempts by queue and job; final="true" when no retry follows',
    labelNames: ['queue', 'job', 'final'],
    registers: [registry],
  });
  const queues: Pick<JobQueue, 'name' | 'counts'>[] = [];
  new Gauge({
    name: 'lobby_job_queue_depth',
    help: 'Jobs in the queue by state (waiting, delayed, active), across every process',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const jobs of queues) {
        const counts = await jobs.counts();
        for (const [state, count] of Object.entries(counts)) {
          this.set({ queue: jobs.name, state }, count);
        }
      }
    },
  });
  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    instruments: createInstruments(registry),
    onJobFailed(queue, jobName, willRetry) {
      jobFailures.inc({ queue, job: jobName, final: String(!willRetry) });
    },
    observeJobQueue(jobs) {
      queues.push(jobs);
    },
    observeRoomLobbies(roomLobbies) {
      new Gauge({
        name: 'lobby_live_rooms',
        help: 'Rooms with lobby subscribers on this process',
        registers: [registry],
        collect() {
          this.set(roomLobbies.roomCount());
        },
      });
      new Gauge({
        name: 'lobby_live_subscribers',
        help: 'roomMeetings subscribers on this process',
        registers: [registry],
        collect() {
          this.set(roomLobbies.subscriberCount());
        },
      });
      let reported = 0;
      new Counter({
        name: 'lobby_lobby_loads_total',
        help: 'Room lobby loads for subscribers and queries (one per room per change)',
        registers: [registry],
        collect() {
          const loads = roomLobbies.loadCount();
          this.inc(loads - reported);
          reported = loads;
        },
      });
    },
    observeWebSockets(webSockets) {
      new Gauge({
        name: 'lobby_websocket_connections',
        help: 'Open GraphQL WebSocket connections on this process',
        registers: [registry],
        collect() {
          this.set(webSockets.clients.size);
        },
      });
    },
    graphqlPlugin() {
      return usePrometheus({
        registry,
        // Served by our own /metrics with everything else.
        endpoint: false,
        // Operations, their duration and their errors; the plugin's other series are off.
        metrics: {
          graphql_envelop_request: true,
          graphql_envelop_request_duration: true,
          graphql_envelop_error_result: true,
          graphql_envelop_request_time_summary: false,
          graphql_envelop_phase_parse: false,
          graphql_envelop_phase_validate: false,
          graphql_envelop_phase_context: false,
          graphql_envelop_phase_execute: false,
          graphql_envelop_phase_subscribe: false,
          graphql_envelop_deprecated_field: false,
          graphql_envelop_schema_change: false,
          graphql_yoga_http_duration: false,
        },
      });
    },
  };
}
