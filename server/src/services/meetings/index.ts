// Meeting use cases (DESIGN §4): what the GraphQL layer, the calendar sync and the worker call.
export { endMeetingsOfCalendarTurnedOff } from './calendar-off.js';
export { endDueMeetings, endMeetingByManager, endMeetingIfDue } from './ending.js';
export { MeetingEndedError, NotFoundError, SessionClosedError } from './errors.js';
export { meetingJobHandlers, scheduleMeetingSweeps } from './jobs.js';
export {
  countedSessionsInclude,
  findLiveMeetingId,
  loadMeetings,
  loadRoomLobby,
  loadRoomMeetings,
  type LobbyMeeting,
  type RoomLobby,
  type RoomMeetings,
  withParticipantCount,
} from './lobby.js';
export { applyPlatformEvent, type PlatformEventOutcome } from './platform-presence.js';
export { pollPlatformPresence, PRESENCE_POLL_LAG_MS } from './platform-polling.js';
export { precreateMeetings } from './precreate.js';
export {
  closeStaleSessions,
  DISPLAY_NAME_MAX_LENGTH,
  joinMeeting,
  type JoinedMeeting,
  leaveMeeting,
  meetingHeartbeat,
} from './presence.js';
export { reconcileRoomMeetings } from './reconcile.js';
export { startMeeting } from './start.js';
