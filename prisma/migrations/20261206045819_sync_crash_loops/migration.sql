-- AlterEnum
ALTER TYPE "CalendarSyncErrorCode" ADD VALUE 'WORKER_STOPPED';

-- AlterTable
ALTER TABLE "CalendarFeed" ADD COLUMN     "meetingsOwedByRunId" UUID,
ADD COLUMN     "pausedReason" TEXT;
