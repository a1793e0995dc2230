-- AlterEnum
ALTER TYPE "MeetingEndReason" ADD VALUE 'CALENDAR_TURNED_OFF';

-- DropIndex
DROP INDEX "Meeting_calendarEventId_key";

-- CreateIndex
CREATE INDEX "Meeting_calendarEventId_idx" ON "Meeting"("calendarEventId");

-- An occurrence keeps its ended meetings as history but has at most one OPEN meeting. Written by
-- hand: Prisma's schema language cannot express a partial index, and its diff leaves it alone.
-- CreateIndex
CREATE UNIQUE INDEX "Meeting_calendarEventId_open_key" ON "Meeting"("calendarEventId") WHERE "status" = 'OPEN';
