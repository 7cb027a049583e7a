package dev.xiaoer.loadtest.simulations;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One simulated agent's view of the console and what it does next: it reads every frame of its {@code /ws/agent}
 * connection ({@link #take}), keeps the waiting lines it sees, and works one chat at a time — claim the chat that
 * has waited longest, greet the buyer, close the chat — answering {@link #next} with the frame to send, if any.
 *
 * <p>It also keeps the agents honest: every chat assigned to it is entered in a map shared by all simulated agents,
 * and a chat assigned to two agents, an assignment without the buyer's handoff in its history, an error, or a frame
 * that never came is a problem in {@link #verdict}. Kept in one virtual user's Gatling session and touched only by
 * it; the shared map is concurrent.
 */
final class AgentDesk {

    /** What to send next. */
    record Step(String kind, String conversation, String json) {
    }

    /** How long an answer to a claim, message or close may take before it counts as lost. */
    private static final long PATIENCE_NANOS = BuyerSteps.PATIENCE.toNanos();
    /**
     * The gateway takes at most 20 frames a second from a console (burst 40); a person sends far fewer. Keeping
     * under it by a margin, an agent handles a chat (claim, greeting, close) in about 0.2 s at best.
     */
    private static final long FRAME_GAP_NANOS = 60_000_000;
    /** Retryable refusals (rate_limited, busy, store_unavailable) tolerated per chat before it is a problem. */
    private static final int RETRIES = 5;

    private enum Phase { IDLE, CLAIM, CLAIMING, GREET, GREETING, CLOSE, CLOSING }

    private final String agentId;
    private final ConcurrentMap<String, String> holders;
    /** Waiting chats by line, each line in the order the gateway gives (longest waiting first). */
    private final Map<String, List<String>> lines = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> claimFailures = new LinkedHashMap<>();
    private Phase phase = Phase.IDLE;
    private String current;
    private long since;
    private long lastSent = Long.MIN_VALUE / 2;
    private int sent;
    private int handled;
    private int retries;
    private int retried;

    /** @param holders which agent each chat was assigned to, shared by every simulated agent of the run */
    AgentDesk(String agentId, ConcurrentMap<String, String> holders) {
        this.agentId = agentId;
        this.holders = holders;
    }

    /** A fresh map for a run. */
    static ConcurrentMap<String, String> newHolders() {
        return new ConcurrentHashMap<>();
    }

    /** Takes one frame from the gateway. */
    void take(String frame) {
        JsonNode f = BuyerSteps.parse(frame);
        String type = f.path("type").asText("");
        String conversation = f.path("conversation").asText(null);
        switch (type) {
            case "lines" -> {
                lines.clear();
                for (JsonNode line : f.path("lines")) {
                    line(line);
                }
            }
            case "line" -> line(f.path("line"));
            case "assigned" -> assigned(conversation, f);
            case "claim_failed" -> {
                claimFailures.merge(f.path("reason").asText("?"), 1, Integer::sum);
                forget(conversation);
                if (phase == Phase.CLAIMING && conversation != null && conversation.equals(current)) {
                    idle();
                }
            }
            case "ack" -> {
                if (phase == Phase.GREETING && conversation != null && conversation.equals(current)) {
                    phase = Phase.CLOSE;
                }
            }
            case "closed" -> {
                if (phase == Phase.CLOSING && conversation != null && conversation.equals(current)) {
                    handled++;
                    idle();
                }
            }
            case "released" -> {
                if (conversation != null && conversation.equals(current)) {
                    problems.add("chat " + conversation + " released (" + f.path("reason").asText() + ") while "
                            + phase);
                    idle();
                }
            }
            case "error" -> {
                boolean mine = conversation != null && conversation.equals(current);
                if (f.path("retryable").asBoolean(false) && mine && retries < RETRIES) {
                    // Refused for now (rate_limited, busy …): the same step again, as a console would.
                    retries++;
                    retried++;
                    phase = switch (phase) {
                        case CLAIMING -> Phase.CLAIM;
                        case GREETING -> Phase.GREET;
                        case CLOSING -> Phase.CLOSE;
                        default -> phase;
                    };
                    return;
                }
                problems.add("error " + f.path("code").asText() + " (" + f.path("message").asText() + ") on "
                        + conversation);
                if (mine) {
                    idle();
                }
            }
            default -> {
                // welcome, agents, message (the buyer wrote), typing, rated, sla_breach, pong: nothing to do
            }
        }
    }

    private void line(JsonNode line) {
        List<String> waiting = new ArrayList<>();
        for (JsonNode w : line.path("waiting")) {
            waiting.add(w.path("conversation").asText());
        }
        lines.put(line.path("queue").asText(), waiting);
    }

    private void assigned(String conversation, JsonNode f) {
        String before = holders.putIfAbsent(conversation, agentId);
        if (before != null && !before.equals(agentId)) {
            problems.add("chat " + conversation + " assigned to " + agentId + " while " + before + " holds it");
        }
        boolean handedOff = false;
        for (JsonNode e : f.path("history")) {
            handedOff |= e.path("type").asText().equals("handoff");
        }
        if (!handedOff) {
            problems.add("chat " + conversation + " assigned without a handoff in its history");
        }
        forget(conversation);
        if (phase == Phase.CLAIMING && conversation.equals(current)) {
            phase = Phase.GREET;
        } else {
            problems.add("chat " + conversation + " assigned (" + f.path("how").asText() + ") while " + phase
                    + " " + current);
        }
    }

    private void forget(String conversation) {
        for (List<String> waiting : lines.values()) {
            waiting.remove(conversation);
        }
    }

    private void idle() {
        phase = Phase.IDLE;
        current = null;
        retries = 0;
    }

    /** The frame to send now, or null: the next step of the chat in hand, or a claim of the longest-waiting one. */
    Step next(long now) {
        boolean waitingForAnswer = phase == Phase.CLAIMING || phase == Phase.GREETING || phase == Phase.CLOSING;
        if (waitingForAnswer && now - since > PATIENCE_NANOS) {
            problems.add("no answer to " + phase + " of " + current + " in " + BuyerSteps.PATIENCE.toSeconds() + " s");
            idle();
        }
        if (now - lastSent < FRAME_GAP_NANOS) {
            return null;
        }
        switch (phase) {
            case IDLE -> {
                String oldest = oldestWaiting();
                if (oldest == null) {
                    return null;
                }
                current = oldest;
                forget(oldest);
                return step(Phase.CLAIMING, now, "claim",
                        "{\"type\":\"claim\",\"conversation\":\"" + oldest + "\"}");
            }
            case CLAIM -> {
                return step(Phase.CLAIMING, now, "claim",
                        "{\"type\":\"claim\",\"conversation\":\"" + current + "\"}");
            }
            case GREET -> {
                return step(Phase.GREETING, now, "greet", BuyerSteps.json("type", "message", "conversation", current,
                        "id", "a-" + (++sent), "text", "您好，我是客服，我来帮您处理。"));
            }
            case CLOSE -> {
                return step(Phase.CLOSING, now, "close",
                        "{\"type\":\"close\",\"conversation\":\"" + current + "\"}");
            }
            default -> {
                return null;
            }
        }
    }

    private Step step(Phase next, long now, String kind, String json) {
        phase = next;
        since = now;
        lastSent = now;
        return new Step(kind, current, json);
    }

    private String oldestWaiting() {
        // Lines come in no particular order; each line's first chat is its longest waiting. Any head will do: the
        // gateway decides who gets it.
        for (Iterator<List<String>> it = lines.values().iterator(); it.hasNext(); ) {
            List<String> waiting = it.next();
            if (!waiting.isEmpty()) {
                return waiting.get(0);
            }
        }
        return null;
    }

    int handled() {
        return handled;
    }

    boolean busy() {
        return phase != Phase.IDLE;
    }

    /** Null when all went well, else what went wrong (the first few problems). */
    String verdict() {
        if (phase != Phase.IDLE) {
            problems.add("still " + phase + " " + current + " at the end");
        }
        if (problems.isEmpty()) {
            return null;
        }
        return problems.size() + " problem(s): " + String.join("; ", problems.subList(0, Math.min(5, problems.size())));
    }

    @Override
    public String toString() {
        return agentId + ": " + handled + " chats handled, claims that failed " + claimFailures + ", steps refused and"
                + " sent again " + retried;
    }
}
