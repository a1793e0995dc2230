// A room's lobby as GraphQL serves it: the query field and the subscription, both from the API
// process's cached room lobbies (services/lobby).
import type { RoomMeetings } from '../../services/meetings/index.js';
import { NotFoundError } from '../../services/errors.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { MeetingRef } from './meeting.js';

/** Shared lists still hold now (a start time passing counts as a change): clients set their clock by this. */
function asOfNow(meetings: RoomMeetings, context: Context): RoomMeetings {
  return { ...meetings, generatedAt: context.deps.now() };
}

const RoomMeetingsRef = builder.objectRef<RoomMeetings>('RoomMeetings').implement({
  description: "A room's lobby: the two lists never share a meeting; ended ones are in neither",
  fields: (t) => ({
    live: t.field({
      type: [MeetingRef],
      description: 'Open meetings that have started, or that someone has already joined',
      resolve: (lobby) => lobby.live,
    }),
    upcoming: t.field({
      type: [MeetingRef],
      description: 'Open meetings not started and not joined, soonest first',
      resolve: (lobby) => lobby.upcoming,
    }),
    generatedAt: t.expose('generatedAt', {
      type: 'DateTime',
      description: "The server's time when the lists were made: clients correct their clock by it",
    }),
  }),
});

builder.prismaObjectFields('Room', (t) => ({
  meetings: t.field({
    type: RoomMeetingsRef,
    resolve: async (room, _args, context) =>
      asOfNow((await context.roomLobbies.currentLobby(room.id)).meetings, context),
  }),
}));

builder.subscriptionFields((t) => ({
  roomMeetings: t.field({
    type: RoomMeetingsRef,
    description: "The room's lobby at once, then a fresh one after every change",
    args: { roomName: t.arg.string({ required: true }) },
    subscribe: async (_root, { roomName }, context) => {
      const room = await context.roomLobbies.roomByName(roomName.toLowerCase());
      if (room === null) throw new NotFoundError(`No room named "${roomName}"`);
      return context.roomLobbies.lobbyUpdates(room.id);
    },
    resolve: (lobby, _args, context) => asOfNow(lobby.meetings, context),
  }),
}));
