package dev.xiaoer.gateway.queue;

import java.util.Objects;

/** Where a waiting conversation stands: its line, its 1-based position, and the estimated wait in seconds. */
public record Place(String queue, int position, long etaSeconds) {
    public Place {
        Objects.requireNonNull(queue, "queue");
        if (position < 1) {
            throw new IllegalArgumentException("position must be >= 1, was " + position);
        }
    }
}
