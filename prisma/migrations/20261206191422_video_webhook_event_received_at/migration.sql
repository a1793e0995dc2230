-- CreateIndex
CREATE INDEX "VideoWebhookEvent_receivedAt_idx" ON "VideoWebhookEvent"("receivedAt");
