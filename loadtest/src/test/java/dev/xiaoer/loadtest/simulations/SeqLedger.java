package dev.xiaoer.loadtest.simulations;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One buyer's account of every conversation frame it has seen, by {@code seq}, across all its connections: the
 * proof that nothing was lost or doubled. Every frame the buyer receives goes through {@link #take}, in the order it
 * arrived; at the end {@link #audit} compares the account with the conversation's whole history, as a fresh
 * {@code hello} with {@code lastSeq: 0} replays it.
 *
 * <p>Kept in the Gatling session of its virtual user, which only that user's actor touches, one step at a time.
 */
final class SeqLedger {

    private final TreeMap<Long, String> seen = new TreeMap<>();
    private final Map<String, Long> messageSeqs = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private long lastSeq;
    private int frames;

    /** Accounts for one frame; returns its type. */
    String take(String frame) {
        frames++;
        JsonNode f = BuyerSteps.parse(frame);
        String type = f.path("type").asText("");
        long seq = f.path("seq").asLong(-1);
        String id = f.path("id").asText(null);
        switch (type) {
            case "ack" -> {
                if (f.path("duplicate").asBoolean(false)) {
                    // A resent message acked again: the original seq, which must be the one already seen.
                    Long first = messageSeqs.get(id);
                    if (first == null) {
                        problem("message " + id + " was stored as seq " + seq + " but never shown (lost)");
                        messageSeqs.put(id, seq);
                    } else if (first != seq) {
                        problem("message " + id + " acked again as seq " + seq + ", first seen as seq " + first);
                    }
                } else {
                    message(id, seq);
                    add(seq, "ack " + id);
                }
            }
            case "message" -> {
                message(id, seq);
                add(seq, "message " + id);
            }
            case "reply", "queued", "agent_joined", "agent_left", "closed", "rated" -> add(seq, type);
            case "error" -> problem("error " + f.path("code").asText() + ": " + f.path("message").asText());
            default -> {
                // welcome, position and pong carry no seq
            }
        }
        return type;
    }

    private void message(String id, long seq) {
        Long before = messageSeqs.putIfAbsent(id, seq);
        if (before != null && before != seq) {
            problem("message " + id + " stored twice, as seq " + before + " and " + seq);
        }
    }

    private void add(long seq, String what) {
        if (seq < 0) {
            problem(what + " without a seq");
            return;
        }
        String before = seen.putIfAbsent(seq, what);
        if (before != null) {
            problem("seq " + seq + " seen twice: " + before + ", then " + what);
        } else if (seq < lastSeq) {
            problem("seq " + seq + " (" + what + ") arrived after seq " + lastSeq);
        }
        lastSeq = Math.max(lastSeq, seq);
    }

    /** The highest seq seen: what a resuming hello sends as {@code lastSeq}. */
    long lastSeq() {
        return lastSeq;
    }

    /** The seq of one of this buyer's messages, if it has been seen acked or replayed. */
    Long seqOf(String messageId) {
        return messageSeqs.get(messageId);
    }

    int frames() {
        return frames;
    }

    void problem(String what) {
        problems.add(what);
    }

    /**
     * Compares the account with the conversation's history (the seqs and kinds a full replay showed): every event
     * must have been seen exactly once, and nothing seen that is not in it.
     */
    void audit(TreeMap<Long, String> history) {
        for (Map.Entry<Long, String> e : history.entrySet()) {
            if (!seen.containsKey(e.getKey())) {
                problem("seq " + e.getKey() + " (" + e.getValue() + ") is in the history but was never seen (lost)");
            }
        }
        for (Map.Entry<Long, String> e : seen.entrySet()) {
            if (!history.containsKey(e.getKey())) {
                problem("seq " + e.getKey() + " (" + e.getValue() + ") was seen but is not in the history");
            }
        }
    }

    /** Null when all is well, else what went wrong (the first few problems). */
    String verdict() {
        if (problems.isEmpty()) {
            return null;
        }
        return problems.size() + " problem(s): " + String.join("; ", problems.subList(0, Math.min(5, problems.size())));
    }

    @Override
    public String toString() {
        return "SeqLedger{lastSeq=" + lastSeq + ", seen=" + seen.size() + ", problems=" + problems.size() + "}";
    }
}
