import { canReadAsManager } from '../../domain/access.js';
import { topics } from '../../domain/events.js';
import type { Attendee } from '../../domain/calendar/read-feed.js';
import {
  CalendarSyncErrorCode as CalendarSyncErrorCodeValues,
  CalendarSyncStatus as CalendarSyncStatusValues,
  CalendarSyncTrigger as CalendarSyncTriggerValues,
} from '../../generated/prisma/enums.js';
import { setRoomCalendar } from '../../services/calendar-sync/feed-settings.js';
import { requestCalendarSync } from '../../services/calendar-sync/request-sync.js';
import { runAtState } from '../../services/calendar-sync/runs.js';
import { NotFoundError, RateLimitedError } from '../../services/errors.js';
import { callerSubject, enforceRateLimits } from '../../services/rate-limits.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { topicEvents } from '../topic-events.js';
import { commonErrors } from './errors.js';
import { loadManagedRoom, roomPayload, RoomRef } from './room.js';

// The GraphQL enums are the database's: a value added to the Prisma schema reaches the API as is.
const CalendarSyncStatus = builder.enumType(CalendarSyncStatusValues, {
  name: 'CalendarSyncStatus',
});
const CalendarSyncTrigger = builder.enumType(CalendarSyncTriggerValues, {
  name: 'CalendarSyncTrigger',
});
const CalendarSyncErrorCode = builder.enumType(CalendarSyncErrorCodeValues, {
  name: 'CalendarSyncErrorCode',
});

/** Sync runs say things about a feed only its room's managers may know. */
async function viewerManagesRoom(context: Context, roomId: string): Promise<boolean> {
  const room = await context.prisma.room.findUnique({
    where: { id: roomId },
    select: { ownerId: true },
  });
  return room !== null && canReadAsManager(context.viewer, room);
}

export const CalendarSyncRunRef = builder.prismaNode('CalendarSyncRun', {
  id: { field: 'id' },
  authScopes: async (run, context) => viewerManagesRoom(context, run.roomId),
  fields: (t) => ({
    status: t.expose('status', { type: CalendarSyncStatus }),
    trigger: t.expose('trigger', { type: CalendarSyncTrigger }),
    queuedAt: t.expose('queuedAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    eventsInFeed: t.exposeInt('eventsInFeed'),
    eventsMatched: t.exposeInt('eventsMatched'),
    created: t.exposeInt('created'),
    updated: t.exposeInt('updated'),
    removed: t.exposeInt('removed'),
    restored: t.exposeInt('restored'),
    errorCode: t.expose('errorCode', { type: CalendarSyncErrorCode, nullable: true }),
    errorMessage: t.exposeString('errorMessage', { nullable: true }),
    room: t.relation('room'),
  }),
});

builder.prismaObject('CalendarFeed', {
  name: 'RoomCalendar',
  description: "A room's calendar feed settings and health (managers only)",
  fields: (t) => ({
    url: t.exposeString('url', {
      nullable: true,
      description: 'The feed URL: a secret, often with a private token in it',
    }),
    enabled: t.exposeBoolean('enabled'),
    syncIntervalMinutes: t.exposeInt('syncIntervalMinutes'),
    lastSync: t.relation('lastSyncRun', { nullable: true }),
    nextSyncAt: t.expose('nextSyncAt', { type: 'DateTime', nullable: true }),
    consecutiveFailures: t.exposeInt('consecutiveFailures'),
    pausedReason: t.exposeString('pausedReason', {
      nullable: true,
      description:
        'Why scheduled syncs stopped (syncs kept stopping their worker); saving the settings or a successful manual sync resumes them',
    }),
    recentSyncs: t.prismaField({
      type: ['CalendarSyncRun'],
      args: { first: t.arg.int({ defaultValue: 10 }) },
      resolve: (query, feed, { first }, context) =>
        context.prisma.calendarSyncRun.findMany({
          ...query,
          where: { roomId: feed.roomId },
          orderBy: { queuedAt: 'desc' },
          take: Math.min(Math.max(first ?? 10, 0), 50),
        }),
    }),
  }),
});

const AttendeeRef = builder.objectRef<Attendee>('Attendee').implement({
  fields: (t) => ({
    email: t.exposeString('email', { nullable: true }),
    name: t.exposeString('name', { nullable: true }),
    role: t.exposeString('role', { nullable: true }),
    participationStatus: t.exposeString('participationStatus', { nullable: true }),
    isOrganizer: t.exposeBoolean('isOrganizer'),
  }),
});

function isAttendee(value: unknown): value is Attendee {
  return (
    typeof value === 'object' &&
    value !== null &&
    'isOrganizer' in value &&
    typeof value.isOrganizer === 'boolean'
  );
}

/** Descriptions and attendees are for the room's managers only (DESIGN §1). */
async function managerOnly<T>(
  context: Context,
  event: { roomId: string },
  value: () => T,
): Promise<T | null> {
  return (await viewerManagesRoom(context, event.roomId)) ? value() : null;
}

export const CalendarEventRef = builder.prismaNode('CalendarEvent', {
  id: { field: 'id' },
  fields: (t) => ({
    uid: t.exposeString('uid'),
    recurrenceId: t.string({
      nullable: true,
      resolve: (event) => (event.recurrenceId === '' ? null : event.recurrenceId),
    }),
    title: t.exposeString('title', { nullable: true }),
    description: t.string({
      nullable: true,
      resolve: (event, _args, context) => managerOnly(context, event, () => event.description),
    }),
    location: t.exposeString('location', { nullable: true }),
    startsAt: t.expose('startsAt', { type: 'DateTime' }),
    endsAt: t.expose('endsAt', { type: 'DateTime' }),
    isAllDay: t.exposeBoolean('isAllDay'),
    startDate: t.expose('startDate', { type: 'Date', nullable: true }),
    endDate: t.expose('endDate', { type: 'Date', nullable: true }),
    attendees: t.field({
      type: [AttendeeRef],
      nullable: true,
      description: 'The organizer first; null for viewers who do not manage the room',
      resolve: (event, _args, context) =>
        managerOnly(context, event, () =>
          Array.isArray(event.attendees) ? event.attendees.filter(isAttendee) : [],
        ),
    }),
  }),
});

builder.prismaObjectFields('Room', (t) => ({
  calendar: t.relation('calendarFeed', {
    nullable: true,
    description: 'Feed settings and health; null unless the viewer manages the room',
    authScopes: (room, _args, context) => canReadAsManager(context.viewer, room),
    unauthorizedResolver: () => null,
  }),
  calendarEvents: t.relatedConnection('calendarEvents', {
    cursor: 'id',
    description: 'Occurrences matched to the room (not deleted), by start time, a page at a time',
    args: {
      from: t.arg({ type: 'DateTime' }),
      to: t.arg({ type: 'DateTime' }),
    },
    query: ({ from, to }) => ({
      where: {
        deletedAt: null,
        ...(from != null && { endsAt: { gt: from } }),
        ...(to != null && { startsAt: { lt: to } }),
      },
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
    }),
  }),
}));

const SetRoomCalendarInput = builder.inputType('SetRoomCalendarInput', {
  fields: (t) => ({
    roomId: t.globalID({ required: true, for: RoomRef }),
    url: t.string({ description: 'Omit to keep the saved URL' }),
    enabled: t.boolean({ required: true }),
    syncIntervalMinutes: t.int(),
  }),
});

const SetRoomCalendarSuccess = roomPayload('SetRoomCalendarSuccess');
const SyncRoomCalendarSuccess = builder
  .objectRef<{ runId: string }>('SyncRoomCalendarSuccess')
  .implement({
    fields: (t) => ({
      run: t.prismaField({
        type: 'CalendarSyncRun',
        resolve: (query, payload, _args, context) =>
          context.prisma.calendarSyncRun.findUniqueOrThrow({
            ...query,
            where: { id: payload.runId },
          }),
      }),
    }),
  });

/** Syncs a user asks for (sync now, saving a feed) per minute: 30 rooms are not 30 fetches at once. */
function enforceSyncLimit(context: Context): Promise<void> {
  return enforceRateLimits(context.deps, [
    ['calendarSyncsPerUser', callerSubject(context.viewer, context.clientAddress)],
  ]);
}

builder.mutationFields((t) => ({
  setRoomCalendar: t.field({
    type: SetRoomCalendarSuccess,
    errors: { types: [...commonErrors, RateLimitedError] },
    args: { input: t.arg({ type: SetRoomCalendarInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const room = await loadManagedRoom(context, input.roomId.id);
      // Saving an enabled feed fetches it at once: counted as a sync.
      if (input.enabled) await enforceSyncLimit(context);
      await setRoomCalendar(context.deps, room.id, input);
      return { room };
    },
  }),
  syncRoomCalendar: t.field({
    type: SyncRoomCalendarSuccess,
    errors: { types: [...commonErrors, RateLimitedError] },
    description: 'Sync now, ignoring the interval; returns the queued or running run if any',
    args: { roomId: t.arg.globalID({ required: true, for: RoomRef }) },
    resolve: async (_root, { roomId }, context) => {
      const room = await loadManagedRoom(context, roomId.id);
      await enforceSyncLimit(context);
      const run = await requestCalendarSync(context.deps, room.id, 'MANUAL');
      return { runId: run.id };
    },
  }),
}));

builder.subscriptionFields((t) => ({
  calendarSync: t.prismaField({
    type: 'CalendarSyncRun',
    description: 'Every state of every sync run of a room (managers only)',
    args: { roomId: t.arg.globalID({ required: true, for: RoomRef }) },
    subscribe: async (_root, { roomId }, context) => {
      const room = await context.prisma.room.findUnique({ where: { id: roomId.id } });
      if (room === null || !canReadAsManager(context.viewer, room)) {
        throw new NotFoundError('No such room, or you do not manage it');
      }
      return topicEvents(context.deps.events, topics.calendarSync(room.id));
    },
    resolve: async (query, event, _args, context) => {
      if (event.type !== 'sync.run.changed') throw new Error('Unexpected event');
      const run = await context.prisma.calendarSyncRun.findUniqueOrThrow({
        ...query,
        where: { id: event.runId },
      });
      return runAtState(run, event.status);
    },
  }),
}));
