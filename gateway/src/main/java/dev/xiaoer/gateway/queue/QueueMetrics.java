package dev.xiaoer.gateway.queue;

import java.time.Duration;

/**
 * What the waiting lines tell the gateway's metrics, from the queue's own thread: quick, never blocking. The lines'
 * current lengths and the agents' load are read from {@link HumanQueue#snapshot()} instead.
 */
public interface QueueMetrics {

    /** Counts nothing. */
    QueueMetrics NONE = new QueueMetrics() {
    };

    /** A chat of {@code queue} left its line to a person after waiting {@code waited}. */
    default void waited(String queue, Duration waited) {
    }

    /** The buyer closed a chat while it waited in {@code queue}'s line. */
    default void abandoned(String queue) {
    }

    /** A chat of {@code queue} waited past the SLA (counted once per wait). */
    default void slaBreached(String queue) {
    }
}
