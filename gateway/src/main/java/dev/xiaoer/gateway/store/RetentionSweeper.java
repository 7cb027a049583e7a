package dev.xiaoer.gateway.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes closed conversations once they are older than the shop keeps them (the retention setting, in days), in
 * the background: a sweep soon after start, then one every {@code every}. A sweep that fails (the store cannot
 * write) is logged once and tried again at the next turn.
 */
public final class RetentionSweeper implements AutoCloseable {

    static final String THREAD_NAME = "xiaoer-retention";

    /** The first sweep waits a little so that it never competes with the restore at start. */
    private static final Duration FIRST_SWEEP_AFTER = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

    private final ConversationStore store;
    private final Duration keepClosed;
    private final Duration every;
    private final Clock clock;
    private ScheduledExecutorService timer;
    private boolean lastSweepFailed;

    /**
     * A sweeper that keeps closed conversations for {@code keepClosed} and sweeps every {@code every}; not started.
     */
    public RetentionSweeper(ConversationStore store, Duration keepClosed, Duration every, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.keepClosed = positive("keepClosed", keepClosed);
        this.every = positive("every", every);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts a sweeper that keeps closed conversations {@code days} days and sweeps every hour. */
    public static RetentionSweeper start(ConversationStore store, int days) {
        if (days <= 0) {
            throw new IllegalArgumentException("retention days must be positive, was " + days);
        }
        RetentionSweeper sweeper = new RetentionSweeper(store, Duration.ofDays(days), Duration.ofHours(1),
                Clock.systemUTC());
        sweeper.start();
        return sweeper;
    }

    /** Schedules the sweeps on a background thread. */
    public synchronized void start() {
        if (timer != null) {
            throw new IllegalStateException("retention sweeper already started");
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, THREAD_NAME);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::sweepInBackground, FIRST_SWEEP_AFTER.toMillis(), every.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Deletes, now and on the calling thread, the conversations closed longer ago than the retention; returns how
     * many.
     *
     * @throws StoreUnavailableException when the store cannot write
     */
    public int sweepNow() {
        Instant cutoff = clock.instant().minus(keepClosed);
        int deleted = store.deleteClosedBefore(cutoff);
        if (deleted > 0) {
            log.info("Retention deleted {} conversations closed before {} ({} days kept)", deleted, cutoff,
                    keepClosed.toDays());
        }
        return deleted;
    }

    private void sweepInBackground() {
        try {
            sweepNow();
            if (lastSweepFailed) {
                log.info("Retention sweeps work again");
            }
            lastSweepFailed = false;
        } catch (RuntimeException e) {
            if (!lastSweepFailed) {
                log.warn("Retention could not delete old conversations ({}); trying again every {} min", e.toString(),
                        every.toMinutes());
            }
            lastSweepFailed = true;
        }
    }

    /** Stops sweeping; a sweep under way finishes its current chunk. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }
}
