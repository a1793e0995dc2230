-- AlterTable
ALTER TABLE "CalendarFeed" ADD COLUMN     "readingInputsHash" TEXT,
ADD COLUMN     "readingStableUntil" TIMESTAMP(3);
