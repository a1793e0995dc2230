// The default video platform: Jitsi-style URLs on VIDEO_BASE_URL, no account needed. Jitsi has no
// webhooks: presence comes from the Lobby page's heartbeat alone.
import { randomVideoRoomName } from './random-room-name.js';
import type { VideoPlatform } from './video-platform.js';

export function createJitsiPlatform(options: { baseUrl: string }): VideoPlatform {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return {
    newVideoRoomName: randomVideoRoomName,
    joinUrl(meeting, participant) {
      // Jitsi reads each fragment parameter as URI-encoded JSON.
      const displayName = encodeURIComponent(JSON.stringify(participant.displayName));
      return `${baseUrl}/${encodeURIComponent(meeting.videoRoomName)}#userInfo.displayName=${displayName}`;
    },
    presenceWebhooks: null,
    presencePolling: null,
  };
}
