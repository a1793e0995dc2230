// The demo room's calendar: stable recurring meetings, so a fresh start shows a live lobby at once
// and unchanged re-syncs stay unchanged.

export function demoCalendarIcs(roomUrl: string): string {
  const event = (uid: string, lines: string[]) => [
    'BEGIN:VEVENT',
    `UID:${uid}@demo.lobby`,
    'DTSTAMP:20260101T000000Z',
    ...lines,
    'END:VEVENT',
  ];
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Lobby//Demo calendar//EN',
    'X-WR-CALNAME:Lobby demo',
    ...event('office-hours', [
      'SUMMARY:Open office hours',
      'DTSTART:20260101T000000Z',
      'DURATION:PT45M',
      'RRULE:FREQ=HOURLY',
      `LOCATION:${roomUrl}`,
      'DESCRIPTION:Drop in with questions. Organizer notes are visible to managers only.',
    ]),
    ...event('design-review', [
      'SUMMARY:Design review',
      'DTSTART:20260101T005000Z',
      'DURATION:PT20M',
      'RRULE:FREQ=HOURLY',
      `URL:${roomUrl}`,
      'ORGANIZER;CN=Ada Example:mailto:ada@example.com',
      'ATTENDEE;CN=Grace Example;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:grace@example.com',
    ]),
    ...event('planning', [
      'SUMMARY:Weekly planning',
      'DTSTART;TZID=Europe/Berlin:20260105T090000',
      'DTEND;TZID=Europe/Berlin:20260105T100000',
      'RRULE:FREQ=WEEKLY;BYDAY=MO',
      `DESCRIPTION:Join at <a href="${roomUrl}">${roomUrl}</a>`,
    ]),
    ...event('elsewhere', [
      'SUMMARY:A meeting in another room (not shown)',
      'DTSTART:20260101T001500Z',
      'DURATION:PT30M',
      'RRULE:FREQ=HOURLY',
      `LOCATION:${roomUrl}-elsewhere`,
    ]),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}
