-- Webhook deliveries are a durable outbox on the events themselves: an
-- event raised while a webhook is configured is 'pending' until it is
-- delivered or its retry period ends ('failed'). Each event gets a public
-- id the receiver can de-duplicate on; older events take their sequence.
ALTER TABLE events ADD COLUMN event_id TEXT;
UPDATE events SET event_id = 'evt_' || seq;
ALTER TABLE events ADD COLUMN delivery TEXT NOT NULL DEFAULT 'none';
ALTER TABLE events ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN next_attempt_at BIGINT;
ALTER TABLE events ADD COLUMN deliver_until BIGINT;
ALTER TABLE events ADD COLUMN claimed_until BIGINT;
ALTER TABLE events ADD COLUMN last_attempt_at BIGINT;
ALTER TABLE events ADD COLUMN last_error TEXT;
ALTER TABLE events ADD COLUMN delivered_at BIGINT;
CREATE UNIQUE INDEX events_event_id ON events (event_id);
CREATE INDEX events_pending ON events (next_attempt_at) WHERE delivery = 'pending';
