import { describe, expect, it } from 'vitest';
import {
  describeAttendance,
  describeEndedBecause,
  describeLobby,
  describeMeetingEnd,
  describeParticipants,
  meetingTitle,
} from './lobby-wording.js';

describe('describeParticipants', () => {
  it('counts people in words', () => {
    expect(describeParticipants(0)).toBe('Nobody here yet');
    expect(describeParticipants(1)).toBe('1 person here');
    expect(describeParticipants(7)).toBe('7 people here');
  });
});

describe('describeLobby', () => {
  it('announces an empty lobby', () => {
    expect(describeLobby([], [])).toBe('No meetings right now.');
  });

  it('names the live and upcoming meetings', () => {
    expect(describeLobby([{ title: 'Stand-up' }], [{ title: 'Review' }, { title: 'Retro' }])).toBe(
      '1 meeting live: Stand-up. 2 meetings coming up: Review, Retro.',
    );
    expect(describeLobby([], [{ title: 'Review' }])).toBe('1 meeting coming up: Review.');
  });
});

describe('meetingTitle', () => {
  it('names untitled meetings', () => {
    expect(meetingTitle('  Stand-up ')).toBe('Stand-up');
    expect(meetingTitle(null)).toBe('Untitled meeting');
    expect(meetingTitle('   ')).toBe('Untitled meeting');
  });
});

describe('describeLobby with untitled meetings', () => {
  it('still names them', () => {
    expect(describeLobby([{ title: null }], [])).toBe('1 meeting live: Untitled meeting.');
  });
});

describe('describeMeetingEnd', () => {
  it('says why a meeting ended', () => {
    expect(describeMeetingEnd('CANCELLED_IN_CALENDAR')).toBe(
      'This meeting has ended: it was cancelled in the calendar.',
    );
    expect(describeMeetingEnd(null)).toBe('This meeting has ended.');
  });
});

describe('past meetings', () => {
  it('say why they ended', () => {
    expect(describeEndedBecause('CALENDAR_TURNED_OFF')).toBe(
      "Ended: the room's calendar was turned off",
    );
    expect(describeEndedBecause(null)).toBe('Ended');
  });

  it('name who joined, each once', () => {
    expect(describeAttendance([])).toBe('Nobody joined');
    expect(describeAttendance([{ displayName: 'Pat' }])).toBe('1 join: Pat');
    expect(
      describeAttendance([{ displayName: 'Pat' }, { displayName: 'Ann' }, { displayName: 'Pat' }]),
    ).toBe('3 joins: Pat, Ann');
  });
});
