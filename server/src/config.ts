// The validated environment: the only module that reads process.env.
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter((item) => item !== ''),
  );

const booleanFlag = optionalString
  .pipe(z.enum(['true', 'false'], { error: 'must be true or false' }).optional())
  .transform((value) => (value === undefined ? undefined : value === 'true'));

/** Browser origins (`https://host[:port]`, nothing after it), as browsers send them in `Origin`. */
const originList = commaList.refine(
  (origins) => origins.every((origin) => URL.canParse(origin) && new URL(origin).origin === origin),
  'comma-separated origins such as https://app.example.com (scheme, host, optional port; no path)',
);

const port = optionalString.pipe(z.coerce.number<string>().int().min(0).max(65535).optional());

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const databaseUrl = z
  .string()
  .refine(
    (value) => /^postgres(ql)?:\/\//.test(value),
    'must be a postgres:// or postgresql:// URL',
  );

const redisUrl = z
  .string()
  .refine((value) => /^rediss?:\/\//.test(value), 'must be a redis:// or rediss:// URL');

const httpUrl = z
  .url()
  .refine((value) => /^https?:\/\//.test(value), 'must be an http:// or https:// URL')
  .transform((value) => value.replace(/\/+$/, ''));

const httpsUrl = z.url().refine((value) => value.startsWith('https://'), 'must be an https:// URL');

// HS256 is only as strong as its key: RFC 7518 §3.2 asks for at least 256 bits.
const jwtSecret = z
  .string()
  .refine(
    (value) => Buffer.byteLength(value, 'utf8') >= 32,
    'must be at least 32 bytes (HS256 needs a 256-bit key)',
  );

// Daily signs with the base64-decoded secret; anything shorter than 128 bits is no secret.
const webhookSecret = z
  .string()
  .refine(
    (value) =>
      /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').byteLength >= 16,
    'must be base64 of at least 16 bytes',
  );

const environmentSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: integer(4000, 0, 65535),
    HOST: optionalString,
    // Hands out admin tokens to whoever asks: `npm start` turns it on for itself, nothing else does.
    DEV_SIGN_IN: booleanFlag,
    PUBLIC_BASE_URL: httpUrl.optional(),
    DATABASE_URL: optionalString.pipe(databaseUrl.optional()),
    REDIS_URL: optionalString.pipe(redisUrl.optional()),
    // Every Redis key, channel and queue starts with it: deployments can share one Redis.
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only')
      .default('lobby'),
    LOBBY_DATA_DIR: z.string().default('.lobby'),
    CALENDAR_LOOKAHEAD_DAYS: integer(7, 1, 366),
    CALENDAR_FETCH_ALLOWED_HOSTS: commaList,
    // Wall-clock limit of reading one feed (parse and expand, in a worker thread); fractions allowed.
    CALENDAR_READ_TIMEOUT_SECONDS: z.coerce.number().positive().max(600).default(10),
    MEETING_PRECREATE_MINUTES: integer(10, 0, 1440),
    VIDEO_BASE_URL: httpUrl.default('https://meet.jit.si'),
    // Jitsi: presence from the Lobby page's heartbeat. Daily: from its webhooks too.
    VIDEO_PLATFORM: z.enum(['jitsi', 'daily']).default('jitsi'),
    // Daily's webhook `hmac` secret, base64 as Daily hands it out.
    DAILY_WEBHOOK_SECRET: optionalString.pipe(webhookSecret.optional()),
    // Daily's REST API: with a key, the worker also polls who is in each open meeting's call
    // (webhooks missed on the way are caught up), every VIDEO_PRESENCE_POLL_SECONDS.
    DAILY_API_KEY: optionalString,
    DAILY_API_URL: httpUrl.default('https://api.daily.co/v1'),
    VIDEO_PRESENCE_POLL_SECONDS: integer(30, 15, 3600),
    AUTH_JWT_SECRET: optionalString.pipe(jwtSecret.optional()),
    AUTH_JWKS_URL: optionalString.pipe(httpsUrl.optional()),
    AUTH_JWT_ISSUER: optionalString,
    AUTH_JWT_AUDIENCE: optionalString,
    LOBBY_BOOTSTRAP_ADMIN_TOKEN: optionalString.pipe(
      z.string().min(24, 'must be at least 24 characters').optional(),
    ),
    WORKER_CONCURRENCY: integer(4, 1, 64),
    // pino's levels; lines are JSON on stdout.
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    // A worker process's /health, /ready and /metrics; unset, the worker serves no HTTP.
    WORKER_HTTP_PORT: optionalString.pipe(
      z.coerce.number<string | undefined>().int().min(0).max(65535).optional(),
    ),
    // How many proxies of ours stand in front of the API (Caddy in docker-compose.yml: 1). Only
    // the X-Forwarded-For entries they appended are believed; 0 takes the socket's address.
    TRUSTED_PROXY_HOPS: integer(0, 0, 10),
    // Quotas and rate limits (server/src/services/rate-limits.ts lists what each one counts).
    ROOMS_PER_USER_MAX: integer(50, 1, 100_000),
    FEED_INSPECTIONS_PER_USER_PER_MINUTE: integer(10, 1, 10_000),
    CALENDAR_SYNCS_PER_USER_PER_MINUTE: integer(10, 1, 10_000),
    MEETING_STARTS_PER_IP_PER_MINUTE: integer(10, 1, 10_000),
    MEETING_STARTS_PER_ROOM_PER_MINUTE: integer(20, 1, 10_000),
    MEETING_JOINS_PER_IP_PER_MINUTE: integer(30, 1, 10_000),
    MEETING_JOINS_PER_MEETING_PER_MINUTE: integer(100, 1, 100_000),
    // Browser origins other than PUBLIC_BASE_URL's that may call the API (CORS).
    CORS_ALLOWED_ORIGINS: originList,
    // Introspection and GraphiQL; unset, they follow NODE_ENV (off in production).
    GRAPHQL_INTROSPECTION: booleanFlag,
    METRICS_TOKEN: optionalString.pipe(
      z.string().min(24, 'must be at least 24 characters').optional(),
    ),
    METRICS_PORT: port,
    // OpenTelemetry (processes/tracing.ts): spans go to OTLP/HTTP at `<endpoint>/v1/traces`; unset,
    // nothing is traced. The SDK's other OTEL_* variables (headers, batch delays) apply as usual.
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(httpUrl.optional()),
    OTEL_SERVICE_NAME: z.string().trim().min(1).default('lobby'),
  })
  .superRefine((environment, context) => {
    if (environment.VIDEO_PLATFORM === 'daily' && environment.DAILY_WEBHOOK_SECRET === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['DAILY_WEBHOOK_SECRET'],
        message: 'required with VIDEO_PLATFORM=daily',
      });
    }
    if (environment.METRICS_PORT !== undefined && environment.METRICS_PORT === environment.PORT) {
      context.addIssue({
        code: 'custom',
        path: ['METRICS_PORT'],
        message: 'must differ from PORT (leave it unset to serve /metrics on PORT)',
      });
    }
    // Keys from a JWKS sign tokens for many applications: only ours, from our issuer, count.
    if (environment.AUTH_JWKS_URL === undefined) return;
    for (const name of ['AUTH_JWT_ISSUER', 'AUTH_JWT_AUDIENCE'] as const) {
      if (environment[name] === undefined) {
        context.addIssue({ code: 'custom', path: [name], message: 'required with AUTH_JWKS_URL' });
      }
    }
  })
  .transform((environment) => {
    const developmentSignIn = environment.DEV_SIGN_IN ?? false;
    return {
      ...environment,
      DEV_SIGN_IN: developmentSignIn,
      HOST: environment.HOST ?? (developmentSignIn ? '127.0.0.1' : '0.0.0.0'),
      PUBLIC_BASE_URL: environment.PUBLIC_BASE_URL ?? `http://localhost:${environment.PORT}`,
      GRAPHQL_INTROSPECTION:
        environment.GRAPHQL_INTROSPECTION ?? environment.NODE_ENV !== 'production',
    };
  })
  .superRefine((config, context) => {
    // Development tokens are admin tokens for anyone who asks: only this machine may ask.
    if (!config.DEV_SIGN_IN) return;
    if (!isLoopbackHost(config.HOST)) {
      context.addIssue({
        code: 'custom',
        path: ['HOST'],
        message: 'must be a loopback address (127.0.0.1, ::1, localhost) while DEV_SIGN_IN is on',
      });
    }
    if (!isLoopbackHost(new URL(config.PUBLIC_BASE_URL).hostname)) {
      context.addIssue({
        code: 'custom',
        path: ['DEV_SIGN_IN'],
        message:
          'development sign-in hands out admin tokens, so it needs a loopback PUBLIC_BASE_URL ' +
          '(http://localhost:…, http://127.0.0.1:…); set DEV_SIGN_IN=false for a public server',
      });
    }
  });

function isLoopbackHost(host: string): boolean {
  return (
    host === 'localhost' ||
    host === '::1' ||
    host === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

export type Config = z.infer<typeof environmentSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment; throws ConfigError naming each bad variable and what is wrong. */
export function parseConfig(environment: Record<string, string | undefined>): Config {
  const result = environmentSchema.safeParse(environment);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  return result.data;
}

let loaded: Config | undefined;

/** The process's configuration, parsed once from process.env. */
export function loadConfig(): Config {
  loaded ??= parseConfig(process.env);
  return loaded;
}
