-- CreateEnum
CREATE TYPE "ApiKeyScope" AS ENUM ('READ', 'WRITE', 'ADMIN');

-- CreateEnum
CREATE TYPE "CalendarSyncTrigger" AS ENUM ('SCHEDULE', 'MANUAL', 'SETTINGS_CHANGED');

-- CreateEnum
CREATE TYPE "CalendarSyncStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'UNCHANGED', 'FAILED', 'SKIPPED');

-- CreateEnum
CREATE TYPE "CalendarSyncErrorCode" AS ENUM ('FETCH_BLOCKED', 'FETCH_FAILED', 'HTTP_STATUS', 'TOO_LARGE', 'TIMEOUT', 'PARSE_FAILED', 'INTERNAL');

-- CreateEnum
CREATE TYPE "MeetingStatus" AS ENUM ('OPEN', 'ENDED');

-- CreateEnum
CREATE TYPE "MeetingEndReason" AS ENUM ('EMPTY', 'SCHEDULE_ELAPSED', 'CANCELLED_IN_CALENDAR', 'ENDED_BY_MANAGER');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "displayName" TEXT,
    "isAdmin" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL,
    "ownerId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "secretStart" TEXT NOT NULL,
    "scopes" "ApiKeyScope"[],
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Room" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "ownerId" UUID NOT NULL,
    "isShared" BOOLEAN NOT NULL DEFAULT false,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "gracePeriodMinutes" INTEGER NOT NULL DEFAULT 15,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Room_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarFeed" (
    "roomId" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "syncIntervalMinutes" INTEGER NOT NULL DEFAULT 5,
    "etag" TEXT,
    "lastModified" TEXT,
    "contentHash" TEXT,
    "relevantIcs" TEXT,
    "nextSyncAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "lastSyncRunId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CalendarFeed_pkey" PRIMARY KEY ("roomId")
);

-- CreateTable
CREATE TABLE "CalendarSyncRun" (
    "id" UUID NOT NULL,
    "roomId" UUID NOT NULL,
    "trigger" "CalendarSyncTrigger" NOT NULL,
    "status" "CalendarSyncStatus" NOT NULL DEFAULT 'QUEUED',
    "queuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "eventsInFeed" INTEGER NOT NULL DEFAULT 0,
    "eventsMatched" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "removed" INTEGER NOT NULL DEFAULT 0,
    "restored" INTEGER NOT NULL DEFAULT 0,
    "errorCode" "CalendarSyncErrorCode",
    "errorMessage" TEXT,

    CONSTRAINT "CalendarSyncRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarEvent" (
    "id" UUID NOT NULL,
    "roomId" UUID NOT NULL,
    "uid" TEXT NOT NULL,
    "recurrenceId" TEXT NOT NULL DEFAULT '',
    "title" TEXT,
    "description" TEXT,
    "location" TEXT,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "isAllDay" BOOLEAN NOT NULL DEFAULT false,
    "startDate" TEXT,
    "endDate" TEXT,
    "status" TEXT,
    "organizer" JSONB,
    "attendees" JSONB,
    "contentHash" TEXT NOT NULL,
    "deletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CalendarEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Meeting" (
    "id" UUID NOT NULL,
    "roomId" UUID NOT NULL,
    "calendarEventId" UUID,
    "title" TEXT,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "status" "MeetingStatus" NOT NULL DEFAULT 'OPEN',
    "endedAt" TIMESTAMP(3),
    "endReason" "MeetingEndReason",
    "emptySince" TIMESTAMP(3),
    "firstJoinedAt" TIMESTAMP(3),
    "videoRoomName" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Meeting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ParticipantSession" (
    "id" UUID NOT NULL,
    "meetingId" UUID NOT NULL,
    "displayName" TEXT NOT NULL,
    "userId" UUID,
    "joinedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leftAt" TIMESTAMP(3),

    CONSTRAINT "ParticipantSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_subject_key" ON "User"("subject");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_secretHash_key" ON "ApiKey"("secretHash");

-- CreateIndex
CREATE INDEX "ApiKey_ownerId_idx" ON "ApiKey"("ownerId");

-- CreateIndex
CREATE UNIQUE INDEX "Room_name_key" ON "Room"("name");

-- CreateIndex
CREATE INDEX "Room_ownerId_idx" ON "Room"("ownerId");

-- CreateIndex
CREATE INDEX "Room_isShared_idx" ON "Room"("isShared");

-- CreateIndex
CREATE UNIQUE INDEX "CalendarFeed_lastSyncRunId_key" ON "CalendarFeed"("lastSyncRunId");

-- CreateIndex
CREATE INDEX "CalendarFeed_enabled_nextSyncAt_idx" ON "CalendarFeed"("enabled", "nextSyncAt");

-- CreateIndex
CREATE INDEX "CalendarSyncRun_roomId_queuedAt_idx" ON "CalendarSyncRun"("roomId", "queuedAt" DESC);

-- CreateIndex
CREATE INDEX "CalendarSyncRun_roomId_status_idx" ON "CalendarSyncRun"("roomId", "status");

-- CreateIndex
CREATE INDEX "CalendarEvent_roomId_startsAt_idx" ON "CalendarEvent"("roomId", "startsAt");

-- CreateIndex
CREATE INDEX "CalendarEvent_startsAt_idx" ON "CalendarEvent"("startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "CalendarEvent_roomId_uid_recurrenceId_key" ON "CalendarEvent"("roomId", "uid", "recurrenceId");

-- CreateIndex
CREATE UNIQUE INDEX "Meeting_calendarEventId_key" ON "Meeting"("calendarEventId");

-- CreateIndex
CREATE INDEX "Meeting_roomId_status_startsAt_idx" ON "Meeting"("roomId", "status", "startsAt");

-- CreateIndex
CREATE INDEX "Meeting_status_endsAt_idx" ON "Meeting"("status", "endsAt");

-- CreateIndex
CREATE INDEX "ParticipantSession_meetingId_leftAt_idx" ON "ParticipantSession"("meetingId", "leftAt");

-- CreateIndex
CREATE INDEX "ParticipantSession_leftAt_lastSeenAt_idx" ON "ParticipantSession"("leftAt", "lastSeenAt");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Room" ADD CONSTRAINT "Room_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarFeed" ADD CONSTRAINT "CalendarFeed_roomId_fkey" FOREIGN KEY ("roomId") REFERENCES "Room"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarFeed" ADD CONSTRAINT "CalendarFeed_lastSyncRunId_fkey" FOREIGN KEY ("lastSyncRunId") REFERENCES "CalendarSyncRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarSyncRun" ADD CONSTRAINT "CalendarSyncRun_roomId_fkey" FOREIGN KEY ("roomId") REFERENCES "Room"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarEvent" ADD CONSTRAINT "CalendarEvent_roomId_fkey" FOREIGN KEY ("roomId") REFERENCES "Room"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Meeting" ADD CONSTRAINT "Meeting_roomId_fkey" FOREIGN KEY ("roomId") REFERENCES "Room"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Meeting" ADD CONSTRAINT "Meeting_calendarEventId_fkey" FOREIGN KEY ("calendarEventId") REFERENCES "CalendarEvent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ParticipantSession" ADD CONSTRAINT "ParticipantSession_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ParticipantSession" ADD CONSTRAINT "ParticipantSession_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
