// The video platform: turns a meeting into the URL a participant opens (DESIGN §4.7).
import type { Config } from '../../config.js';
import { createJitsiPlatform } from './jitsi.js';

export type VideoPlatform = {
  /** A fresh, hard-to-guess name for a new meeting's video room, recognisable by its Lobby room. */
  newVideoRoomName(roomName: string): string;
  /** The URL that puts this participant into the meeting's video room. */
  joinUrl(meeting: { videoRoomName: string }, participant: { displayName: string }): string;
};

/** The platform this deployment uses; another platform would be chosen here from the config. */
export function videoPlatformFor(config: Pick<Config, 'VIDEO_BASE_URL'>): VideoPlatform {
  return createJitsiPlatform({ baseUrl: config.VIDEO_BASE_URL });
}
