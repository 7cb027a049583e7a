package dev.xiaoer.gateway.queue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The placeholder waiting lines: served by priority then waiting time, and everyone behind hears the line move. */
class InMemoryWaitingLinesTest {

    private final InMemoryWaitingLines lines = new InMemoryWaitingLines(120);
    private static final Instant T0 = Instant.parse("2026-12-07T02:00:00Z");

    @AfterEach
    void close() {
        lines.close();
    }

    private static Handoff handoff(String id, int priority, int minutesAfterT0) {
        return new Handoff(id, "after-sales", "售后", priority, T0.plusSeconds(60L * minutesAfterT0), false);
    }

    @Test
    void theOldestWaitsAtTheHeadAndAHigherPriorityGoesFirst() {
        assertEquals(1, lines.enqueue(handoff("a", 50, 0)).join().position());
        assertEquals(2, lines.enqueue(handoff("b", 50, 1)).join().position());
        Place urgent = lines.enqueue(handoff("vip", 100, 2)).join();
        assertEquals(1, urgent.position());
        assertEquals(120, urgent.etaSeconds());
        assertEquals(List.of("vip", "a", "b"),
                lines.waiting("after-sales").join().stream().map(Handoff::conversationId).toList());
    }

    @Test
    void aRestoredHandoffKeepsItsOriginalPlaceAmongNewerOnes() {
        lines.enqueue(handoff("new", 50, 10)).join();
        assertEquals(1, lines.enqueue(handoff("restored", 50, 0)).join().position());
    }

    @Test
    void enqueueingTwiceKeepsOnePlace() {
        lines.enqueue(handoff("a", 50, 0)).join();
        assertEquals(1, lines.enqueue(handoff("a", 50, 5)).join().position());
        assertEquals(1, lines.waiting("after-sales").join().size());
    }

    @Test
    void whenTheHeadIsTakenEveryoneBehindMovesUpAndIsTold() {
        Map<String, Place> told = new ConcurrentHashMap<>();
        lines.onMove(told::put);
        lines.enqueue(handoff("a", 50, 0)).join();
        lines.enqueue(handoff("b", 50, 1)).join();
        lines.enqueue(handoff("c", 50, 2)).join();
        told.clear();

        assertEquals("a", lines.takeNext("after-sales").join().orElseThrow().conversationId());
        assertEquals(Map.of("b", new Place("after-sales", 1, 120), "c", new Place("after-sales", 2, 240)), told);
        assertTrue(lines.remove("b").join());
        assertEquals(new Place("after-sales", 1, 120), told.get("c"));
        assertFalse(lines.remove("b").join());
        assertEquals(Optional.empty(), lines.placeOf("b").join());
        assertEquals(Optional.empty(), lines.takeNext("nobody-here").join());
    }
}
