// Rooms: create, change, delete. Permission checks belong to the caller (GraphQL layer).
import { checkRoomSettings } from '@lobby/shared/room-settings';
import { validateRoomName } from '@lobby/shared/room-name';
import { topics } from '../../domain/events.js';
import { Prisma, type Room } from '../../generated/prisma/client.js';
import type { ServiceDependencies } from '../dependencies.js';
import { changeAndAnnounce, type OutgoingEvent } from '../outbox/outbox.js';
import { ConflictError, NotFoundError, RateLimitedError, ValidationError } from '../errors.js';

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

/**
 * A quota does not free itself with time, but RateLimitedError must say when to try again: by
 * then the owner may have deleted a room.
 */
const ROOM_QUOTA_RETRY_AFTER_SECONDS = 60;

/**
 * Creates a room if its owner has fewer than ROOMS_PER_USER_MAX. The count and the insert happen
 * under the owner's row lock, so concurrent creations by one owner take turns: two cannot both
 * see 49 rooms and make 51.
 */
export async function createRoom(
  deps: Pick<ServiceDependencies, 'prisma' | 'config'>,
  ownerId: string,
  input: RoomSettingsInput & { name: string },
): Promise<Room> {
  const name = validateRoomName(input.name);
  if (!name.ok) throw new ValidationError(name.message, 'name');
  assertValidSettings(input);
  const quota = deps.config.ROOMS_PER_USER_MAX;
  try {
    return await deps.prisma.$transaction(async (transaction) => {
      // NO KEY UPDATE: excludes the owner's other creations, not the inserts referencing the row.
      await transaction.$queryRaw`
        SELECT 1 FROM "User" WHERE "id" = ${ownerId}::uuid FOR NO KEY UPDATE`;
      if ((await transaction.room.count({ where: { ownerId } })) >= quota) {
        throw new RateLimitedError(
          `You own ${quota} rooms, the most one person may: delete one to create another`,
          ROOM_QUOTA_RETRY_AFTER_SECONDS,
        );
      }
      return transaction.room.create({
        data: { name: name.name, ownerId, ...settingsPatch(input) },
      });
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new ConflictError(`A room named "${name.name}" already exists`);
    }
    throw error;
  }
}

const roomChanged = (roomId: string): OutgoingEvent => ({
  topic: topics.room(roomId),
  event: { type: 'room.changed', roomId },
});

export async function updateRoom(
  deps: Pick<ServiceDependencies, 'prisma' | 'events'>,
  roomId: string,
  input: RoomSettingsInput,
): Promise<Room> {
  assertValidSettings(input);
  try {
    return await changeAndAnnounce(deps, async (transaction, announce) => {
      const room = await transaction.room.update({
        where: { id: roomId },
        data: settingsPatch(input),
      });
      announce(roomChanged(roomId));
      return room;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') {
      throw new NotFoundError('No such room');
    }
    throw error;
  }
}

export async function deleteRoom(
  deps: Pick<ServiceDependencies, 'prisma' | 'events'>,
  roomId: string,
): Promise<void> {
  await changeAndAnnounce(deps, async (transaction, announce) => {
    const deleted = await transaction.room.deleteMany({ where: { id: roomId } });
    if (deleted.count === 0) throw new NotFoundError('No such room');
    announce(roomChanged(roomId));
  });
}
