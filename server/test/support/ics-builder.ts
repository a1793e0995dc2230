// Small inline calendars for tests: CRLF lines, as RFC 5545 writes them.

/** A VCALENDAR holding the given lines (calendar properties and components), in order. */
export function icsCalendar(...lines: (string | readonly string[])[]): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Lobby tests//EN',
    ...lines.flat(),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

/** A VEVENT with the given property lines. */
export function icsEvent(...properties: string[]): string[] {
  return ['BEGIN:VEVENT', ...properties, 'END:VEVENT'];
}

/**
 * An organisation-wide feed like the ones DESIGN §3.8 describes (about 280 bytes per event):
 * weekly series with exceptions, moved instances and single events, every `hostEvery`-th series
 * pointing at a room on `host`.
 */
export function largeFeed(eventCount: number, host: string, hostEvery: number): string {
  const events: string[][] = [];
  for (let index = 0; events.length < eventCount; index++) {
    const day = String(1 + (index % 28)).padStart(2, '0');
    const hour = String(8 + (index % 10)).padStart(2, '0');
    const where =
      index % hostEvery === 0
        ? `https://${host}/room-${String(index % 50)}`
        : `Room ${String(index % 300)}`;
    const common = [
      `UID:event-${String(index)}@example.com`,
      `DTSTAMP:20250101T000000Z`,
      `SUMMARY:Meeting ${String(index)}`,
      `LOCATION:${where}`,
      `ORGANIZER;CN=Person ${String(index % 97)}:mailto:person${String(index % 97)}@example.com`,
    ];
    if (index % 4 === 0) {
      events.push(
        icsEvent(
          ...common,
          `DTSTART;TZID=Europe/Berlin:202501${day}T${hour}0000`,
          `DTEND;TZID=Europe/Berlin:202501${day}T${hour}3000`,
          'RRULE:FREQ=WEEKLY;COUNT=20',
          `EXDATE;TZID=Europe/Berlin:202502${day}T${hour}0000`,
        ),
        icsEvent(
          ...common,
          `RECURRENCE-ID;TZID=Europe/Berlin:202503${day}T${hour}0000`,
          `DTSTART;TZID=Europe/Berlin:202503${day}T${hour}4500`,
          `DTEND;TZID=Europe/Berlin:202503${day}T${hour}5500`,
        ),
      );
    } else {
      events.push(
        icsEvent(
          ...common,
          `DTSTART;TZID=Europe/Berlin:202504${day}T${hour}0000`,
          `DTEND;TZID=Europe/Berlin:202504${day}T${hour}3000`,
        ),
      );
    }
  }
  return icsCalendar(...events.slice(0, eventCount));
}

/**
 * A few kilobytes that cost the rule engine its whole step limit per series: February 30th never
 * comes (issue 12's feed). `location` lets a sync match it to a room.
 */
export function pathologicalRecurrenceFeed(seriesCount: number, location = 'Nowhere'): string {
  return icsCalendar(
    ...Array.from({ length: seriesCount }, (_, index) =>
      icsEvent(
        `UID:never-${String(index)}@example.com`,
        'DTSTART:20250101T100000Z',
        'DTEND:20250101T110000Z',
        `SUMMARY:Never ${String(index)}`,
        `LOCATION:${location}`,
        'RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;BYSETPOS=1',
      ),
    ),
  );
}
