// The video platform adapter: the interface services use, Jitsi (the default) and Daily.
export { createDailyPlatform, signDailyWebhook } from './daily.js';
export { createJitsiPlatform } from './jitsi.js';
export { PresencePollError } from './daily-presence.js';
export {
  type PlatformEvent,
  type PlatformParticipant,
  type PresencePolling,
  type PresenceWebhooks,
  type VideoPlatform,
  type WebhookReading,
  type WebhookRequest,
  videoPlatformFor,
} from './video-platform.js';
