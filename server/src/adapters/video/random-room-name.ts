// Video room names shared by the platforms: the Lobby room's name and a long random suffix.
import { randomBytes } from 'node:crypto';

/** 96 random bits: the video room's name is its only protection, so it must not be guessable. */
const RANDOM_SUFFIX_BYTES = 12;

/** Lower-case hex: Jitsi folds room names to lower case, so mixed case would add no entropy. */
export function randomVideoRoomName(roomName: string): string {
  return `${roomName}-${randomBytes(RANDOM_SUFFIX_BYTES).toString('hex')}`;
}
