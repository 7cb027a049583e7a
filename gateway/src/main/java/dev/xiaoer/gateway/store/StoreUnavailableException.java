package dev.xiaoer.gateway.store;

/**
 * A write could not be made durable (disk full, database locked, I/O error). It is retryable: the gateway stops
 * acknowledging and tells clients to retry, and recovers when the store can write again.
 */
public final class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
