package dev.xiaoer.loadtest.driver;

import org.HdrHistogram.Recorder;

import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every connection reports to, from its own event loop: latencies in microseconds (HdrHistogram recorders,
 * safe for concurrent writers) and counters. The driver's main thread reads it once a second.
 */
final class Tally {

    private static final int EXAMPLES = 5;

    /** Message to bot reply (gateway), or to its echo; ping to pong in idle mode. */
    final Recorder replies = new Recorder(3);
    /** Message to ack (gateway only). */
    final Recorder acks = new Recorder(3);

    final LongAdder sent = new LongAdder();
    final LongAdder wrong = new LongAdder();
    final LongAdder badFrames = new LongAdder();
    final LongAdder unexpectedCloses = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    /** Messages or pings sent and not yet answered (or refused with an error). */
    final AtomicLong outstanding = new AtomicLong();
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger ready = new AtomicInteger();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Queue<String> examples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger exampleCount = new AtomicInteger();

    void error(String code) {
        errors.computeIfAbsent(code == null ? "(no code)" : code, c -> new LongAdder()).increment();
    }

    void wrong(String what) {
        wrong.increment();
        example(what);
    }

    /** Keeps the first few problems, to print the kind of thing that went wrong. */
    void example(String what) {
        if (exampleCount.incrementAndGet() <= EXAMPLES) {
            examples.add(what);
        }
    }

    Map<String, Long> errors() {
        Map<String, Long> out = new TreeMap<>();
        errors.forEach((code, n) -> out.put(code, n.sum()));
        return out;
    }

    long errorCount() {
        long n = 0;
        for (LongAdder a : errors.values()) {
            n += a.sum();
        }
        return n;
    }

    Iterable<String> examples() {
        return examples;
    }
}
