// Validation of a room's settings (DESIGN §2): time zone and grace period.

export const GRACE_PERIOD_MINUTES_MAX = 120;

export type SettingCheck = { ok: true } | { ok: false; field: string; message: string };

export function isKnownTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

export function checkRoomSettings(settings: {
  timezone?: string | null;
  gracePeriodMinutes?: number | null;
}): SettingCheck {
  const { timezone, gracePeriodMinutes } = settings;
  if (timezone !== undefined && timezone !== null && !isKnownTimeZone(timezone)) {
    return {
      ok: false,
      field: 'timezone',
      message: `"${timezone}" is not an IANA time zone (for example Europe/Paris or UTC)`,
    };
  }
  if (
    gracePeriodMinutes !== undefined &&
    gracePeriodMinutes !== null &&
    (!Number.isInteger(gracePeriodMinutes) ||
      gracePeriodMinutes < 0 ||
      gracePeriodMinutes > GRACE_PERIOD_MINUTES_MAX)
  ) {
    return {
      ok: false,
      field: 'gracePeriodMinutes',
      message: `The grace period is a whole number of minutes from 0 to ${GRACE_PERIOD_MINUTES_MAX}`,
    };
  }
  return { ok: true };
}
