// ORGANIZER and ATTENDEE properties as people (DESIGN §3.6).
import type { ContentLine } from '../ics/ics-lines.js';
import type { Attendee } from './occurrence.js';

function emailOf(address: string): string | null {
  const email = address
    .trim()
    .replace(/^mailto:/i, '')
    .trim();
  return email.includes('@') ? email : null;
}

function parameter(line: ContentLine, name: string): string | null {
  const value = line.params.get(name)?.trim();
  return value === undefined || value === '' ? null : value;
}

/** One person per address: a value may list several ("mailto:a@x,mailto:b@x"), sharing ROLE and PARTSTAT. */
function peopleOf(line: ContentLine, isOrganizer: boolean): Attendee[] {
  const addresses = line.value.split(',').filter((address) => address.trim() !== '');
  const isList = addresses.length > 1 && addresses.every((address) => emailOf(address) !== null);
  return (isList ? addresses : [line.value]).map((address) => ({
    email: emailOf(address),
    // A common name belongs to a single address; it cannot be shared out over a list.
    name: isList ? null : parameter(line, 'CN'),
    role: parameter(line, 'ROLE')?.toUpperCase() ?? null,
    participationStatus: parameter(line, 'PARTSTAT')?.toUpperCase() ?? null,
    isOrganizer,
  }));
}

function isSomebody(person: Attendee): boolean {
  return person.email !== null || person.name !== null;
}

function samePerson(left: Attendee, right: Attendee): boolean {
  return left.email !== null && left.email.toLowerCase() === right.email?.toLowerCase();
}

export type People = { organizer: Attendee | null; attendees: Attendee[] };

/** The organizer first and marked, then every attendee once; the organizer's own ATTENDEE line fills in its role and status. */
export function readPeople(properties: readonly ContentLine[]): People {
  const organizerLine = properties.find((line) => line.name === 'ORGANIZER');
  const organizer =
    (organizerLine === undefined ? [] : peopleOf(organizerLine, true)).find(isSomebody) ?? null;
  const listed: Attendee[] = [];
  let merged = organizer;
  for (const person of properties
    .filter((line) => line.name === 'ATTENDEE')
    .flatMap((line) => peopleOf(line, false))
    .filter(isSomebody)) {
    if (merged !== null && samePerson(merged, person)) {
      merged = {
        ...merged,
        name: merged.name ?? person.name,
        role: merged.role ?? person.role,
        participationStatus: merged.participationStatus ?? person.participationStatus,
      };
    } else if (!listed.some((known) => samePerson(known, person))) {
      listed.push(person);
    }
  }
  return { organizer: merged, attendees: merged === null ? listed : [merged, ...listed] };
}
