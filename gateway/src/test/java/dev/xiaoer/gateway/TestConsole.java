package dev.xiaoer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaoer.gateway.agent.TestAgents;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An agent console, as far as the protocol goes: a real WebSocket on /ws/agent that records frames. */
final class TestConsole implements AutoCloseable {

    /** Frames that come whenever a line or an agent changes; {@link #next(String)} steps over them. */
    private static final Set<String> UPDATES = Set.of("line", "agents");

    final TestBuyer socket;
    JsonNode welcome;

    TestConsole(TestBuyer socket) {
        this.socket = socket;
    }

    void send(String json) {
        socket.send(json);
    }

    /** Sends one frame of {@code type} built from field/value pairs. */
    void frame(String type, Object... fieldsAndValues) {
        ObjectNode o = TestBuyer.JSON.createObjectNode().put("type", type);
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            Object v = fieldsAndValues[i + 1];
            String k = (String) fieldsAndValues[i];
            if (v instanceof Boolean b) {
                o.put(k, b);
            } else if (v instanceof Integer n) {
                o.put(k, n);
            } else {
                o.put(k, String.valueOf(v));
            }
        }
        socket.send(o.toString());
    }

    /** Logs in with the test secret and returns the welcome; the lines snapshot is read too. */
    JsonNode login(String agentId) {
        frame("login", "agentId", agentId, "secret", TestAgents.SECRET);
        return welcomed();
    }

    /** Logs in away: the agent takes no chat unless they claim it. */
    JsonNode loginAway(String agentId) {
        frame("login", "agentId", agentId, "secret", TestAgents.SECRET, "status", "away");
        return welcomed();
    }

    private JsonNode welcomed() {
        welcome = next("welcome");
        next("lines");
        return welcome;
    }

    /** The next frame of {@code type}, stepping over line and roster updates (unless one of those is asked for). */
    JsonNode next(String type) {
        while (true) {
            JsonNode n = socket.next();
            String t = n.path("type").asText();
            if (t.equals(type)) {
                return n;
            }
            if (!UPDATES.contains(t)) {
                assertEquals(type, t, () -> "expected a " + type + " frame, got " + n);
            }
        }
    }

    JsonNode error(String code) {
        JsonNode n = next("error");
        assertEquals(code, n.path("code").asText(), n::toString);
        return n;
    }

    /** Frames within {@code millis} that are not line or roster updates. */
    List<JsonNode> news(long millis) {
        return socket.drain(millis).stream().filter(n -> !UPDATES.contains(n.path("type").asText())).toList();
    }

    @Override
    public void close() {
        socket.close();
    }
}
