package dev.xiaoer.gateway.queue;

/**
 * The stable error codes of the agent protocol ({@code /ws/agent}), with whether sending the same frame again later
 * can succeed. The wire names never change once published (see docs/protocol.md).
 */
public enum AgentErrorCode {
    INVALID_JSON("invalid_json", false),
    UNKNOWN_TYPE("unknown_type", false),
    MISSING_FIELD("missing_field", false),
    INVALID_FIELD("invalid_field", false),
    BINARY_NOT_SUPPORTED("binary_not_supported", false),
    LOGIN_FIRST("login_first", false),
    ALREADY_LOGGED_IN("already_logged_in", false),
    BAD_CREDENTIALS("bad_credentials", false),
    BAD_TOKEN("bad_token", false),
    LOGIN_RATE_LIMITED("login_rate_limited", true),
    REPLACED("replaced", false),
    NOT_FOUND("not_found", false),
    NOT_YOURS("not_yours", false),
    CONVERSATION_CLOSED("conversation_closed", false),
    UNKNOWN_QUEUE("unknown_queue", false),
    UNKNOWN_AGENT("unknown_agent", false),
    AGENT_UNAVAILABLE("agent_unavailable", true),
    TEXT_TOO_LONG("text_too_long", false),
    EMPTY_MESSAGE("empty_message", false),
    RATE_LIMITED("rate_limited", true),
    BUSY("busy", true),
    STORE_UNAVAILABLE("store_unavailable", true),
    SHUTTING_DOWN("shutting_down", true),
    INTERNAL_ERROR("internal_error", true);

    private final String wire;
    private final boolean retryable;

    AgentErrorCode(String wire, boolean retryable) {
        this.wire = wire;
        this.retryable = retryable;
    }

    /** The code as sent on the wire. */
    public String wire() {
        return wire;
    }

    /** Whether the console may send the same frame again later and expect it to work. */
    public boolean retryable() {
        return retryable;
    }
}
