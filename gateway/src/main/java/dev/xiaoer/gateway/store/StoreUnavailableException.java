package dev.xiaoer.gateway.store;

/**
 * A write could not be made durable (disk full, database locked, I/O error). It is retryable: the gateway stops
 * acknowledging and tells clients to retry, and recovers when the store can write again. Also thrown by a read that
 * the database could not serve, and for writes refused because the store is closed or its write queue is full.
 */
public final class StoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
