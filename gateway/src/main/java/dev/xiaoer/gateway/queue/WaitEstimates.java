package dev.xiaoer.gateway.queue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How long a buyer will wait, from how long chats take. Per queue, the handling time H is an exponentially weighted
 * average of recent chats' handling durations (from the agent taking the chat to its closing or transfer), each new
 * one weighing {@value #WEIGHT}, starting from the configured {@code queues.handleSeconds}. With S chat slots free
 * or busy among the available agents of the queue (each agent brings maxChats), a slot frees every H / S seconds,
 * so the buyer at position p waits about {@code ceil(p × H / max(1, S))} seconds. Owned by the queue's thread.
 */
final class WaitEstimates {

    static final double WEIGHT = 0.2;
    /** A chat handled in under a second or over a day is a glitch (clock change, a restored chat), not a sample. */
    private static final long MIN_SAMPLE_SECONDS = 1;
    private static final long MAX_SAMPLE_SECONDS = 86_400;

    private final double initial;
    private final Map<String, Double> handleSeconds = new HashMap<>();

    WaitEstimates(int initialHandleSeconds) {
        this.initial = initialHandleSeconds;
    }

    /** One chat of {@code queue} took {@code handled}. */
    void record(String queue, Duration handled) {
        long s = handled.getSeconds();
        if (s < MIN_SAMPLE_SECONDS || s > MAX_SAMPLE_SECONDS) {
            return;
        }
        double h = handleSeconds(queue);
        handleSeconds.put(queue, h + WEIGHT * (s - h));
    }

    /** The current average handling time of {@code queue}, in seconds. */
    double handleSeconds(String queue) {
        return handleSeconds.getOrDefault(queue, initial);
    }

    /** The estimated wait at {@code position} (1-based) with {@code slots} chat slots among available agents. */
    long eta(String queue, int position, int slots) {
        return (long) Math.ceil(position * handleSeconds(queue) / Math.max(1, slots));
    }
}
