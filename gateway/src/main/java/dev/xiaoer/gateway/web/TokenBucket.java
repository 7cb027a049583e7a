package dev.xiaoer.gateway.web;

/** A token bucket: {@code burst} frames at once, refilled at {@code perSecond}. Thread-safe. */
final class TokenBucket {

    private final double tokensPerNano;
    private final double capacity;
    private double tokens;
    private long last;

    TokenBucket(double perSecond, int burst, long nowNanos) {
        this.tokensPerNano = perSecond / 1e9;
        this.capacity = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Gives back a token taken for something that turned out not to count (never above the burst). */
    synchronized void giveBack() {
        tokens = Math.min(capacity, tokens + 1);
    }

    /** Takes one token if there is one. */
    synchronized boolean tryTake(long nowNanos) {
        long elapsed = nowNanos - last;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * tokensPerNano);
            last = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
