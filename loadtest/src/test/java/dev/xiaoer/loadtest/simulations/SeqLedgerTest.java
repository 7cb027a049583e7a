package dev.xiaoer.loadtest.simulations;

import org.junit.jupiter.api.Test;

import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeqLedgerTest {

    private final SeqLedger ledger = new SeqLedger();

    @Test
    void aMessageAnsweredWhileTheBuyerWasAwayIsSeenOnceInTheReplay() {
        ledger.take("{\"type\":\"welcome\",\"session\":\"s\",\"lastSeq\":0}");
        ledger.take("{\"type\":\"ack\",\"id\":\"m1\",\"seq\":1}");
        ledger.take("{\"type\":\"reply\",\"seq\":2,\"from\":\"bot\",\"band\":\"answer\"}");
        // m2 was sent, then the connection dropped; the resume replays it and its answer.
        ledger.take("{\"type\":\"welcome\",\"resumed\":true,\"lastSeq\":4}");
        ledger.take("{\"type\":\"message\",\"seq\":3,\"id\":\"m2\",\"text\":\"多久能发货\"}");
        ledger.take("{\"type\":\"reply\",\"seq\":4,\"from\":\"bot\",\"band\":\"answer\"}");
        // The buyer resends m2 (no ack came): acked again with its first seq.
        ledger.take("{\"type\":\"ack\",\"id\":\"m2\",\"seq\":3,\"duplicate\":true}");
        assertEquals(4, ledger.lastSeq());
        assertEquals(3L, ledger.seqOf("m2"));
        ledger.audit(history(1, 2, 3, 4));
        assertNull(ledger.verdict());
    }

    @Test
    void aSeqReplayedTwiceIsDoubled() {
        ledger.take("{\"type\":\"ack\",\"id\":\"m1\",\"seq\":1}");
        ledger.take("{\"type\":\"reply\",\"seq\":2,\"from\":\"bot\"}");
        ledger.take("{\"type\":\"reply\",\"seq\":2,\"from\":\"bot\"}");
        assertTrue(ledger.verdict().contains("seq 2 seen twice"), ledger.verdict());
    }

    @Test
    void aResentMessageStoredAgainIsDoubled() {
        ledger.take("{\"type\":\"message\",\"seq\":3,\"id\":\"m2\"}");
        ledger.take("{\"type\":\"ack\",\"id\":\"m2\",\"seq\":5}");
        assertTrue(ledger.verdict().contains("message m2 stored twice"), ledger.verdict());
    }

    @Test
    void aDuplicateAckForAMessageNeverShownMeansItWasLost() {
        ledger.take("{\"type\":\"ack\",\"id\":\"m2\",\"seq\":3,\"duplicate\":true}");
        assertTrue(ledger.verdict().contains("never shown (lost)"), ledger.verdict());
    }

    @Test
    void anEventInTheHistoryThatNeverArrivedIsLost() {
        ledger.take("{\"type\":\"ack\",\"id\":\"m1\",\"seq\":1}");
        ledger.take("{\"type\":\"reply\",\"seq\":3,\"from\":\"bot\"}");
        ledger.audit(history(1, 2, 3));
        assertTrue(ledger.verdict().contains("seq 2 (reply) is in the history but was never seen"), ledger.verdict());
    }

    @Test
    void framesOutOfOrderAreAProblem() {
        ledger.take("{\"type\":\"reply\",\"seq\":4,\"from\":\"bot\"}");
        ledger.take("{\"type\":\"reply\",\"seq\":3,\"from\":\"bot\"}");
        assertTrue(ledger.verdict().contains("arrived after seq 4"), ledger.verdict());
    }

    private static TreeMap<Long, String> history(long... seqs) {
        TreeMap<Long, String> h = new TreeMap<>();
        for (long s : seqs) {
            h.put(s, "reply");
        }
        return h;
    }
}
