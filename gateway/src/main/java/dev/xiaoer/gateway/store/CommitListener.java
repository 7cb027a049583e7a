package dev.xiaoer.gateway.store;

/**
 * Hears about every commit of the store's writer, for metrics (commit latency, batch sizes). Called on the writer
 * thread right after the commit: it must return quickly and must not call the store.
 */
@FunctionalInterface
public interface CommitListener {

    /** Hears nothing. */
    CommitListener NONE = (writes, events, nanos) -> { };

    /**
     * A batch was committed: {@code writes} opens and appends holding {@code events} events (an open counts as
     * one), in {@code nanos} nanoseconds from the start of the transaction to the end of the commit (the sync).
     */
    void committed(int writes, int events, long nanos);
}
