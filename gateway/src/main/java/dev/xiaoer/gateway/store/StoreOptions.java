package dev.xiaoer.gateway.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How the SQLite store commits and reads; {@link #defaults()} suits a shop on one machine. Every value is checked
 * when the options are built, with a message that names the option.
 *
 * @param maxBatchEvents   at most this many events (a new conversation counts as one) go into one commit
 * @param maxBatchDelay    how long the writer waits for more writes once it holds one; zero commits what is waiting
 *                         at once (writes that arrive during a commit form the next batch anyway)
 * @param busyTimeout      how long a commit waits for a lock held by another process before it fails
 * @param writeQueueLimit  writes waiting for the writer beyond which new writes are refused at once
 * @param readConnections  connections for concurrent reads
 * @param probeInterval    how often a store that cannot write tries again while no write comes
 * @param deleteChunk      conversations deleted per transaction by {@code deleteClosedBefore}
 * @param commitListener   told about every commit on the writer thread (for metrics); must be quick
 */
public record StoreOptions(int maxBatchEvents, Duration maxBatchDelay, Duration busyTimeout, int writeQueueLimit,
                           int readConnections, Duration probeInterval, int deleteChunk,
                           CommitListener commitListener) {

    public StoreOptions {
        positive("maxBatchEvents", maxBatchEvents);
        Objects.requireNonNull(maxBatchDelay, "maxBatchDelay");
        if (maxBatchDelay.isNegative() || maxBatchDelay.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("maxBatchDelay must be between 0 and 1 s, was " + maxBatchDelay
                    + ": every acknowledgement waits up to this long");
        }
        Objects.requireNonNull(busyTimeout, "busyTimeout");
        if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("busyTimeout must be between 0 and " + Integer.MAX_VALUE
                    + " ms, was " + busyTimeout);
        }
        positive("writeQueueLimit", writeQueueLimit);
        positive("readConnections", readConnections);
        Objects.requireNonNull(probeInterval, "probeInterval");
        if (probeInterval.isNegative() || probeInterval.isZero()) {
            throw new IllegalArgumentException("probeInterval must be positive, was " + probeInterval);
        }
        positive("deleteChunk", deleteChunk);
        Objects.requireNonNull(commitListener, "commitListener");
    }

    /**
     * 1,000 events or no waiting per commit, a 5 s busy timeout, 100,000 queued writes, 4 readers, a probe every
     * second, 200 conversations per retention transaction, no commit listener.
     */
    public static StoreOptions defaults() {
        return new StoreOptions(1_000, Duration.ZERO, Duration.ofSeconds(5), 100_000, 4, Duration.ofSeconds(1), 200,
                CommitListener.NONE);
    }

    public StoreOptions withMaxBatchEvents(int value) {
        return new StoreOptions(value, maxBatchDelay, busyTimeout, writeQueueLimit, readConnections, probeInterval,
                deleteChunk, commitListener);
    }

    public StoreOptions withMaxBatchDelay(Duration value) {
        return new StoreOptions(maxBatchEvents, value, busyTimeout, writeQueueLimit, readConnections, probeInterval,
                deleteChunk, commitListener);
    }

    public StoreOptions withBusyTimeout(Duration value) {
        return new StoreOptions(maxBatchEvents, maxBatchDelay, value, writeQueueLimit, readConnections, probeInterval,
                deleteChunk, commitListener);
    }

    public StoreOptions withWriteQueueLimit(int value) {
        return new StoreOptions(maxBatchEvents, maxBatchDelay, busyTimeout, value, readConnections, probeInterval,
                deleteChunk, commitListener);
    }

    public StoreOptions withReadConnections(int value) {
        return new StoreOptions(maxBatchEvents, maxBatchDelay, busyTimeout, writeQueueLimit, value, probeInterval,
                deleteChunk, commitListener);
    }

    public StoreOptions withProbeInterval(Duration value) {
        return new StoreOptions(maxBatchEvents, maxBatchDelay, busyTimeout, writeQueueLimit, readConnections, value,
                deleteChunk, commitListener);
    }

    public StoreOptions withDeleteChunk(int value) {
        return new StoreOptions(maxBatchEvents, maxBatchDelay, busyTimeout, writeQueueLimit, readConnections,
                probeInterval, value, commitListener);
    }

    public StoreOptions withCommitListener(CommitListener value) {
        return new StoreOptions(maxBatchEvents, maxBatchDelay, busyTimeout, writeQueueLimit, readConnections,
                probeInterval, deleteChunk, value);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
