-- V1: the base tables.
-- Portable SQL (SQLite and PostgreSQL): TEXT, INTEGER and BIGINT only; every time is epoch milliseconds.

-- One row per applied migration; the highest version is the schema's version.
CREATE TABLE schema_version (
    version     INTEGER NOT NULL PRIMARY KEY,
    description TEXT    NOT NULL,
    applied_at  BIGINT  NOT NULL
);

-- One row per conversation. state, last_seq, updated_at and closed_at follow from the conversation's events and
-- move in the same transaction as them.
CREATE TABLE conversations (
    id         TEXT   NOT NULL PRIMARY KEY,
    token_hash TEXT   NOT NULL,
    state      TEXT   NOT NULL,
    last_seq   BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at  BIGINT
);

-- Restoring open conversations at start.
CREATE INDEX conversations_by_state ON conversations (state);

-- Retention: closed conversations older than N days.
CREATE INDEX conversations_by_closed_at ON conversations (closed_at);

-- Everything that happened in a conversation; payload is the event body as JSON text.
CREATE TABLE events (
    conversation_id TEXT   NOT NULL,
    seq             BIGINT NOT NULL,
    at              BIGINT NOT NULL,
    type            TEXT   NOT NULL,
    payload         TEXT   NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);

-- Scratch space for the writer's health probe while the store cannot write (disk full, locked): it writes a row
-- here and deletes it again in one transaction. Always empty.
CREATE TABLE store_probe (
    id     INTEGER NOT NULL PRIMARY KEY,
    filler TEXT    NOT NULL
);
