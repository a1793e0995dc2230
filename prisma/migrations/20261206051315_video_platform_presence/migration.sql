-- AlterTable
ALTER TABLE "ParticipantSession" ADD COLUMN     "platformSessionId" TEXT;

-- CreateTable
CREATE TABLE "VideoWebhookEvent" (
    "id" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "VideoWebhookEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Meeting_videoRoomName_idx" ON "Meeting"("videoRoomName");

-- CreateIndex
CREATE UNIQUE INDEX "ParticipantSession_meetingId_platformSessionId_key" ON "ParticipantSession"("meetingId", "platformSessionId");
