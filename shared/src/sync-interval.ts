// How often a room's calendar feed may be synced (DESIGN §3): the bounds of its interval.

export const SYNC_INTERVAL_MINUTES_MIN = 1;
export const SYNC_INTERVAL_MINUTES_MAX = 1440;
