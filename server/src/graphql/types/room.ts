import { canManage, canReadAsManager, canWrite, isAdmin, isSignedIn } from '../../domain/access.js';
import { roomUrl } from '@lobby/shared/room-name';
import type { Room } from '../../generated/prisma/client.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  readOnlyCredentialMessage,
} from '../../services/errors.js';
import { createRoom, deleteRoom, updateRoom } from '../../services/rooms/rooms.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { commonErrors } from './errors.js';

export const RoomRef = builder.prismaNode('Room', {
  id: { field: 'id' },
  description: 'A permanent, named place: its link is the invitation.',
  fields: (t) => ({
    name: t.exposeString('name'),
    url: t.string({
      description: "The room's public URL: paste it into calendar events to make them meetings",
      resolve: (room, _args, context) => roomUrl(context.deps.config.PUBLIC_BASE_URL, room.name),
    }),
    isShared: t.exposeBoolean('isShared'),
    timezone: t.exposeString('timezone', {
      description: 'IANA zone used for floating times and all-day dates',
    }),
    gracePeriodMinutes: t.exposeInt('gracePeriodMinutes'),
    viewerCanManage: t.boolean({
      resolve: (room, _args, context) => canManage(context.viewer, room),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

/** Loads a room the viewer may manage, or throws the typed error that explains why not. */
export async function loadManagedRoom(context: Context, roomId: string) {
  const room = await context.prisma.room.findUnique({ where: { id: roomId } });
  if (room === null) throw new NotFoundError('No such room');
  if (!canManage(context.viewer, room)) {
    throw new ForbiddenError(
      canReadAsManager(context.viewer, room)
        ? readOnlyCredentialMessage
        : 'Only the room owner or an admin can manage this room',
    );
  }
  return room;
}

builder.queryFields((t) => ({
  room: t.prismaField({
    type: 'Room',
    nullable: true,
    description: 'A room by name: anyone with its link may open its lobby',
    args: { name: t.arg.string({ required: true }) },
    // The lobby's room, shared with its subscribers: relations asked for are loaded on demand.
    resolve: (_query, _root, { name }, context) =>
      context.roomLobbies.roomByName(name.toLowerCase()),
  }),
  rooms: t.prismaConnection({
    type: 'Room',
    cursor: 'id',
    description: 'Rooms listed to the viewer: shared ones, and their own private ones',
    resolve: (query, _root, _args, context) => {
      const { viewer } = context;
      if (!isSignedIn(viewer)) return [];
      return context.prisma.room.findMany({
        ...query,
        where: isAdmin(viewer) ? {} : { OR: [{ isShared: true }, { ownerId: viewer.userId }] },
        orderBy: { name: 'asc' },
      });
    },
  }),
}));

const CreateRoomInput = builder.inputType('CreateRoomInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    isShared: t.boolean(),
    timezone: t.string(),
    gracePeriodMinutes: t.int(),
  }),
});

const UpdateRoomInput = builder.inputType('UpdateRoomInput', {
  fields: (t) => ({
    id: t.globalID({ required: true, for: RoomRef }),
    isShared: t.boolean(),
    timezone: t.string(),
    gracePeriodMinutes: t.int(),
  }),
});

/** `{ room: Room! }`, the success shape of every mutation that changes a room. */
export function roomPayload(name: string) {
  return builder.objectRef<{ room: Room }>(name).implement({
    fields: (t) => ({ room: t.field({ type: RoomRef, resolve: (payload) => payload.room }) }),
  });
}

const CreateRoomSuccess = roomPayload('CreateRoomSuccess');
const UpdateRoomSuccess = roomPayload('UpdateRoomSuccess');
const DeleteRoomSuccess = builder.objectRef<{ deletedRoomId: string }>('DeleteRoomSuccess');
DeleteRoomSuccess.implement({
  fields: (t) => ({
    // The same global id the caller passed, so clients can drop the room from their lists.
    deletedRoomId: t.globalID({
      resolve: (payload) => ({ type: 'Room', id: payload.deletedRoomId }),
    }),
  }),
});

builder.mutationFields((t) => ({
  createRoom: t.field({
    type: CreateRoomSuccess,
    errors: { types: [...commonErrors, ConflictError, RateLimitedError] },
    description: 'A new room owned by the viewer; each user owns at most ROOMS_PER_USER_MAX rooms',
    args: { input: t.arg({ type: CreateRoomInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { viewer } = context;
      if (!isSignedIn(viewer) || !canWrite(viewer)) {
        throw new ForbiddenError('Sign in with a credential that may write to create rooms');
      }
      return { room: await createRoom(context.deps, viewer.userId, input) };
    },
  }),
  updateRoom: t.field({
    type: UpdateRoomSuccess,
    errors: { types: [...commonErrors] },
    args: { input: t.arg({ type: UpdateRoomInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const room = await loadManagedRoom(context, input.id.id);
      return { room: await updateRoom(context.deps, room.id, input) };
    },
  }),
  deleteRoom: t.field({
    type: DeleteRoomSuccess,
    errors: { types: [...commonErrors] },
    args: { id: t.arg.globalID({ required: true, for: RoomRef }) },
    resolve: async (_root, { id }, context) => {
      const room = await loadManagedRoom(context, id.id);
      await deleteRoom(context.deps, room.id);
      return { deletedRoomId: id.id };
    },
  }),
}));
