-- AlterTable
ALTER TABLE "CalendarFeed" ADD COLUMN     "readingInputsHash" TEXT,
ADD COLUMN     "readingMatchedSpans" JSONB,
ADD COLUMN     "readingStableUntil" TIMESTAMP(3);
