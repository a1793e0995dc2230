// The video platform adapter: the interface services use, and the default Jitsi-style platform.
export { createJitsiPlatform } from './jitsi.js';
export { type VideoPlatform, videoPlatformFor } from './video-platform.js';
