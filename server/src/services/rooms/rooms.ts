// Rooms: create, change, delete. Permission checks belong to the caller (GraphQL layer).
import { checkRoomSettings } from '../../domain/rooms/room-settings.js';
import { validateRoomName } from '../../domain/rooms/room-name.js';
import { topics } from '../../domain/events.js';
import { Prisma, type Room } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';

export type RoomSettingsInput = {
  isShared?: boolean | null;
  timezone?: string | null;
  gracePeriodMinutes?: number | null;
};

function assertValidSettings(input: RoomSettingsInput): void {
  const check = checkRoomSettings(input);
  if (!check.ok) throw new ValidationError(check.message, check.field);
}

/** Only the fields the caller set (null means "leave as is": every setting has a default). */
function settingsPatch(input: RoomSettingsInput) {
  return {
    ...(input.isShared != null && { isShared: input.isShared }),
    ...(input.timezone != null && { timezone: input.timezone }),
    ...(input.gracePeriodMinutes != null && { gracePeriodMinutes: input.gracePeriodMinutes }),
  };
}

export async function createRoom(
  deps: Pick<ServiceDependencies, 'prisma'>,
  ownerId: string,
  input: RoomSettingsInput & { name: string },
): Promise<Room> {
  const name = validateRoomName(input.name);
  if (!name.ok) throw new ValidationError(name.message, 'name');
  assertValidSettings(input);
  try {
    return await deps.prisma.room.create({
      data: { name: name.name, ownerId, ...settingsPatch(input) },
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new ConflictError(`A room named "${name.name}" already exists`);
    }
    throw error;
  }
}

export async function updateRoom(
  deps: Pick<ServiceDependencies, 'prisma' | 'events'>,
  roomId: string,
  input: RoomSettingsInput,
): Promise<Room> {
  assertValidSettings(input);
  let room: Room;
  try {
    room = await deps.prisma.room.update({ where: { id: roomId }, data: settingsPatch(input) });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') {
      throw new NotFoundError('No such room');
    }
    throw error;
  }
  await deps.events.publish(topics.room(roomId), { type: 'room.changed', roomId });
  return room;
}

export async function deleteRoom(
  deps: Pick<ServiceDependencies, 'prisma' | 'events'>,
  roomId: string,
): Promise<void> {
  const deleted = await deps.prisma.room.deleteMany({ where: { id: roomId } });
  if (deleted.count === 0) throw new NotFoundError('No such room');
  await deps.events.publish(topics.room(roomId), { type: 'room.changed', roomId });
}
