// The messages between `npm run bench:live` / `bench:rooms` and their subscriber processes, and the one way both
// describe a lobby.
import { z } from 'zod';

export const subscriberOptions = z.object({
  webSocketUrls: z.array(z.string()).min(1),
  count: z.number().int().positive(),
  /** Index of this process's first subscriber among all, so URLs alternate across processes too. */
  firstIndex: z.number().int().nonnegative(),
  /** Subscriber i follows `roomNames[i % roomNames.length]` (i counted within this process). */
  roomNames: z.array(z.string()).min(1),
});

/**
 * From the parent: arm for a change (then it is made; of one room when `roomName` is given, else of
 * every subscriber's room), collect what arrived, or close.
 */
export const parentMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('arm'),
    change: z.number(),
    expectedLobby: z.string(),
    roomName: z.string().optional(),
  }),
  z.object({ type: z.literal('collect'), change: z.number() }),
  z.object({ type: z.literal('close') }),
]);

export const childMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), failed: z.number() }),
  z.object({ type: z.literal('armed'), change: z.number() }),
  z.object({
    type: z.literal('received'),
    change: z.number(),
    /** When each subscriber got the expected lobby: epoch milliseconds, sub-millisecond. */
    receivedAtMs: z.array(z.number()),
    missing: z.number(),
  }),
]);
export type ChildMessage = z.infer<typeof childMessage>;

/** What a lobby looks like, in a form the parent can predict: live counts and upcoming size. */
export function lobbyKey(live: readonly { participantCount: number }[], upcomingCount: number) {
  return `${live.map((meeting) => meeting.participantCount).join(',')}|${upcomingCount}`;
}
