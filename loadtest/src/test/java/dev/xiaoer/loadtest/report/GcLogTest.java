package dev.xiaoer.loadtest.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GcLogTest {

    @Test
    void g1PausesGiveThePeakTheLongestPauseAndTheLiveHeapAfterEachProbe() {
        GcLog gc = GcLog.parse("""
                [0.007s][info] Using G1
                [3.572s][info] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 55M->9M(1024M) 47.175ms
                [6.858s][info] GC(1) Pause Young (Concurrent Start) (Metadata GC Threshold) 57M->21M(1024M) 8.273ms
                [6.858s][info] GC(2) Concurrent Mark Cycle
                [6.886s][info] GC(2) Pause Remark 21M->19M(1024M) 4.947ms
                [7.042s][info] GC(2) Concurrent Mark Cycle 183.819ms
                [8.038s][info] GC(3) Pause Full (Diagnostic Command) 23M->19M(1024M) 123.132ms
                [20.1s][info] GC(4) Pause Young (Normal) (G1 Evacuation Pause) 900M->300M(1024M) 12.5ms
                [30.1s][info] GC(5) Pause Full (Diagnostic Command) 620M->512M(1024M) 200.0ms
                """);
        // The probes' forced collections are run.sh's doing, not the server's: not counted as its pauses.
        assertEquals(4, gc.pauses());
        assertEquals(900, gc.peakUsedMib());
        assertEquals(47.175, gc.maxPauseMillis());
        assertEquals(512, gc.lastAfterMib());
        assertEquals(List.of(19.0, 512.0), gc.forcedAfterMib());
    }

    @Test
    void parallelAndSerialLogTheirForcedCollectionsAsSystemGc() {
        GcLog gc = GcLog.parse("""
                [1.0s][info] GC(0) Pause Young (Allocation Failure) 2048K->1024K(1G) 1.5ms
                [2.0s][info] GC(1) Pause Full (System.gc()) 3M->1M(1G) 9.0ms
                """);
        assertEquals(1, gc.pauses());
        assertEquals(3, gc.peakUsedMib());
        assertEquals(1024, gc.heapMib());
        assertEquals(List.of(1.0), gc.forcedAfterMib());
    }
}
