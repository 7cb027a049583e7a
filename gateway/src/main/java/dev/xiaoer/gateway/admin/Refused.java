package dev.xiaoer.gateway.admin;

/**
 * An admin action that was not done, with why in words a shop owner can act on. Nothing changed: the FAQ and rules
 * in force stay as they were.
 */
public final class Refused extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why, as the HTTP layer maps it: a bad file or request (400), a state that forbids it (409), a failure (500). */
    public enum Reason {
        INVALID,
        CONFLICT,
        FAILED
    }

    private final Reason reason;

    public Refused(Reason reason, String message) {
        this(reason, message, null);
    }

    public Refused(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
