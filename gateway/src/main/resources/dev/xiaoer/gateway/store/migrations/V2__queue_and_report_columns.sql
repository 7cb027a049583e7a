-- V2: what the waiting-line views and the operations reports read.
-- The new columns of rows written under V1 are filled in by the migration from the stored events.

-- The queue of the latest handoff, the agent holding the chat (or who held it when it closed), and when the
-- conversation last started waiting.
ALTER TABLE conversations ADD COLUMN queue TEXT;
ALTER TABLE conversations ADD COLUMN agent_id TEXT;
ALTER TABLE conversations ADD COLUMN waiting_since BIGINT;

-- label: the attribute reports filter or group an event by (a bot reply's band, a handoff's queue, a flag's rule,
-- a rating's score, the agent of agent events, a notice's code, who closed); ref_seq: the buyer message an event
-- is about (the question a bot reply answers, the message a flag was raised on).
ALTER TABLE events ADD COLUMN label TEXT;
ALTER TABLE events ADD COLUMN ref_seq BIGINT;

-- Events of some types in a time window: unanswered questions, daily summaries.
CREATE INDEX events_by_type_and_time ON events (type, at);
