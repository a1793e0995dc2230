import { parseFeedUrl } from '@lobby/shared/feed-url';
import { syncWindow } from '../../domain/calendar/sync-schedule.js';
import { roomUrl } from '@lobby/shared/room-name';
import {
  FeedUnreadableError,
  inspectFeed,
  type FeedInspection,
  type InspectedOccurrence,
} from '../../services/calendar-inspect/inspect-feed.js';
import { enforceManualCooldown } from '../../services/calendar-sync/request-sync.js';
import { RateLimitedError, ValidationError } from '../../services/errors.js';
import { callerSubject, enforceRateLimits } from '../../services/rate-limits.js';
import { builder } from '../builder.js';
import { commonErrors, ErrorInterface } from './errors.js';
import { loadManagedRoom, RoomRef } from './room.js';

builder.objectType(FeedUnreadableError, {
  name: 'FeedUnreadableError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof FeedUnreadableError,
  fields: (t) => ({ code: t.exposeString('code') }),
});

const InspectedOccurrenceRef = builder
  .objectRef<InspectedOccurrence>('InspectedOccurrence')
  .implement({
    fields: (t) => ({
      uid: t.exposeString('uid'),
      recurrenceId: t.exposeString('recurrenceId', { nullable: true }),
      title: t.exposeString('title', { nullable: true }),
      startsAt: t.expose('startsAt', { type: 'DateTime' }),
      endsAt: t.expose('endsAt', { type: 'DateTime' }),
      isAllDay: t.exposeBoolean('isAllDay'),
      startDate: t.expose('startDate', { type: 'Date', nullable: true }),
      endDate: t.expose('endDate', { type: 'Date', nullable: true }),
      status: t.exposeString('status', { nullable: true }),
      matchesRoom: t.boolean({ resolve: (occurrence) => occurrence.matchesRoom === true }),
    }),
  });

const FeedInspectionRef = builder.objectRef<FeedInspection>('CalendarFeedInspection').implement({
  description: 'What Lobby reads from a feed, by the same code as a sync, without storing it',
  fields: (t) => ({
    occurrences: t.field({
      type: [InspectedOccurrenceRef],
      resolve: (inspection) => inspection.occurrences,
    }),
    skipped: t.stringList({
      description: 'Events left out, and why',
      resolve: (inspection) =>
        inspection.skipped.map(
          (event) => `${event.title ?? event.uid}: ${event.reason.replace('-', ' ')}`,
        ),
    }),
    warnings: t.exposeStringList('warnings'),
  }),
});

builder.queryFields((t) => ({
  inspectCalendarFeed: t.field({
    type: FeedInspectionRef,
    description: "Managers: what Lobby sees in a feed (the room's saved feed when url is omitted)",
    errors: { types: [...commonErrors, RateLimitedError, FeedUnreadableError] },
    args: {
      roomId: t.arg.globalID({ required: true, for: RoomRef }),
      url: t.arg.string(),
      from: t.arg({ type: 'DateTime' }),
      to: t.arg({ type: 'DateTime' }),
    },
    resolve: async (_root, args, context) => {
      const room = await loadManagedRoom(context, args.roomId.id);
      let url: string;
      if (args.url != null) {
        const parsed = parseFeedUrl(args.url);
        if (!parsed.ok) throw new ValidationError(parsed.message, 'url');
        url = parsed.url.toString();
      } else {
        const feed = await context.prisma.calendarFeed.findUnique({ where: { roomId: room.id } });
        if (feed === null) throw new ValidationError('This room has no calendar feed yet', 'url');
        url = feed.url;
      }
      await enforceRateLimits(context.deps, [
        ['feedInspectionsPerUser', callerSubject(context.viewer, context.clientAddress)],
      ]);
      await enforceManualCooldown(context.deps, `inspect:${room.id}`);
      const { config } = context.deps;
      const defaults = syncWindow(context.deps.now(), config.CALENDAR_LOOKAHEAD_DAYS);
      return inspectFeed(
        context.deps,
        { kind: 'url', url },
        {
          window: { from: args.from ?? defaults.from, to: args.to ?? defaults.to },
          timezone: room.timezone,
          roomUrl: roomUrl(config.PUBLIC_BASE_URL, room.name),
          allowedHosts: config.CALENDAR_FETCH_ALLOWED_HOSTS,
          publicBaseUrl: config.PUBLIC_BASE_URL,
        },
      );
    },
  }),
}));
