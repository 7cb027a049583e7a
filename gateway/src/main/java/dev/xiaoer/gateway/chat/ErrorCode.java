package dev.xiaoer.gateway.chat;

/**
 * The stable error codes a buyer's client can receive, with whether retrying the same frame later can succeed.
 * The wire names never change once published (see docs/protocol.md).
 */
public enum ErrorCode {
    INVALID_JSON("invalid_json", false),
    UNKNOWN_TYPE("unknown_type", false),
    MISSING_FIELD("missing_field", false),
    INVALID_FIELD("invalid_field", false),
    BINARY_NOT_SUPPORTED("binary_not_supported", false),
    HELLO_FIRST("hello_first", false),
    ALREADY_HELLO("already_hello", false),
    SESSION_NOT_FOUND("session_not_found", false),
    BAD_TOKEN("bad_token", false),
    TOO_MANY_TABS("too_many_tabs", true),
    TEXT_TOO_LONG("text_too_long", false),
    EMPTY_MESSAGE("empty_message", false),
    CONVERSATION_CLOSED("conversation_closed", false),
    NOT_CLOSED("not_closed", false),
    ALREADY_RATED("already_rated", false),
    RATE_LIMITED("rate_limited", true),
    BUSY("busy", true),
    STORE_UNAVAILABLE("store_unavailable", true),
    SHUTTING_DOWN("shutting_down", true),
    INTERNAL_ERROR("internal_error", true);

    private final String wire;
    private final boolean retryable;

    ErrorCode(String wire, boolean retryable) {
        this.wire = wire;
        this.retryable = retryable;
    }

    /** The code as sent on the wire. */
    public String wire() {
        return wire;
    }

    /** Whether the client may send the same frame again later and expect it to work. */
    public boolean retryable() {
        return retryable;
    }
}
