// The default video platform: Jitsi-style URLs on VIDEO_BASE_URL, no account needed.
import { randomBytes } from 'node:crypto';
import type { VideoPlatform } from './video-platform.js';

/** 96 random bits: the video room's name is its only protection, so it must not be guessable. */
const RANDOM_SUFFIX_BYTES = 12;

export function createJitsiPlatform(options: { baseUrl: string }): VideoPlatform {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return {
    newVideoRoomName(roomName) {
      // Lower-case hex: Jitsi folds room names to lower case, so mixed case would add no entropy.
      return `${roomName}-${randomBytes(RANDOM_SUFFIX_BYTES).toString('hex')}`;
    },
    joinUrl(meeting, participant) {
      // Jitsi reads each fragment parameter as URI-encoded JSON.
      const displayName = encodeURIComponent(JSON.stringify(participant.displayName));
      return `${baseUrl}/${encodeURIComponent(meeting.videoRoomName)}#userInfo.displayName=${displayName}`;
    },
  };
}
