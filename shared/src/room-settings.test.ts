import { describe, expect, it } from 'vitest';
import { checkRoomSettings, isKnownTimeZone } from './room-settings.js';

describe('room settings', () => {
  it('knows IANA zones and refuses others', () => {
    expect(isKnownTimeZone('Europe/Paris')).toBe(true);
    expect(isKnownTimeZone('UTC')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
  });

  it.each([
    [{ gracePeriodMinutes: 0 }, true],
    [{ gracePeriodMinutes: 120 }, true],
    [{ gracePeriodMinutes: 121 }, false],
    [{ gracePeriodMinutes: -1 }, false],
    [{ gracePeriodMinutes: 1.5 }, false],
    [{ timezone: 'Nowhere/City' }, false],
    [{ timezone: 'America/New_York', gracePeriodMinutes: 15 }, true],
    [{}, true],
  ])('%j → valid: %s', (settings, valid) => {
    expect(checkRoomSettings(settings).ok).toBe(valid);
  });

  it('names the field at fault', () => {
    expect(checkRoomSettings({ gracePeriodMinutes: 500 })).toMatchObject({
      ok: false,
      field: 'gracePeriodMinutes',
    });
  });
});
