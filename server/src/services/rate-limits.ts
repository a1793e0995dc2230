// Every rate limit Lobby applies, in one list, and the one helper use cases check them with.
import type { Config } from '../config.js';
import type { Viewer } from '../domain/access.js';
import type { ServiceDependencies } from './dependencies.js';
import { RateLimitedError } from './errors.js';

/** Each rule: the setting that bounds it (attempts per minute) and what it counts. */
const rateLimitRules = {
  feedInspectionsPerUser: {
    setting: 'FEED_INSPECTIONS_PER_USER_PER_MINUTE',
    counted: 'feed inspections',
  },
  calendarSyncsPerUser: {
    setting: 'CALENDAR_SYNCS_PER_USER_PER_MINUTE',
    counted: 'calendar syncs',
  },
  meetingStartsPerCaller: {
    setting: 'MEETING_STARTS_PER_IP_PER_MINUTE',
    counted: 'meeting starts from you',
  },
  meetingStartsPerRoom: {
    setting: 'MEETING_STARTS_PER_ROOM_PER_MINUTE',
    counted: 'meeting starts in this room',
  },
  meetingJoinsPerCaller: {
    setting: 'MEETING_JOINS_PER_IP_PER_MINUTE',
    counted: 'meeting joins from you',
  },
  meetingJoinsPerMeeting: {
    setting: 'MEETING_JOINS_PER_MEETING_PER_MINUTE',
    counted: 'joins of this meeting',
  },
} as const satisfies Record<string, { setting: keyof Config; counted: string }>;

export type RateLimitName = keyof typeof rateLimitRules;

export type RateLimitSettings = Pick<Config, (typeof rateLimitRules)[RateLimitName]['setting']>;

const windowSeconds = 60;

/**
 * Per-caller rules count a signed-in user as themself, anyone else by their address
 * (http/client-address.ts): colleagues behind one NAT do not share a signed-in budget.
 */
export function callerSubject(viewer: Viewer, clientAddress: string): string {
  return viewer.kind === 'user' ? `user:${viewer.userId}` : `address:${clientAddress}`;
}

/**
 * Counts one attempt under each rule for its subject, in order, and throws RateLimitedError at the
 * first one over its limit. Call it before changing anything: a refusal then changes nothing.
 */
export async function enforceRateLimits(
  deps: Pick<ServiceDependencies, 'rateLimits' | 'config'>,
  checks: readonly (readonly [RateLimitName, string])[],
): Promise<void> {
  for (const [name, subject] of checks) {
    const { setting, counted } = rateLimitRules[name];
    const limit = deps.config[setting];
    const verdict = await deps.rateLimits.consume({ name, limit, windowSeconds }, subject);
    if (!verdict.allowed) {
      throw new RateLimitedError(
        `Too many ${counted}: at most ${limit} a minute. Try again in ${verdict.retryAfterSeconds} seconds`,
        verdict.retryAfterSeconds,
      );
    }
  }
}
