package dev.xiaoer.intents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The routing test set is the spec: every line must route (or not) and flag (or not) exactly as it says. */
class RoutingSpecTest {

    @Test
    void everyMessageOfTheRoutingSetRoutesAsSpecified() throws Exception {
        IntentEngine engine = Engines.embedded();
        ObjectMapper json = new ObjectMapper();
        List<String> wrong = new ArrayList<>();
        int lines = 0;
        for (String line : Files.readAllLines(Path.of("src/test/resources/eval/routing-messages.jsonl"),
                StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            lines++;
            JsonNode spec = json.readTree(line);
            String message = spec.get("message").asText();
            String expectQueue = spec.get("expect").isNull() ? null : spec.get("expect").asText();
            String expectFlag = spec.get("flag").isNull() ? null : spec.get("flag").asText();
            Turn turn = engine.decide(message, DialogState.START);
            String queue = turn.decision() instanceof Decision.Handoff h ? h.route().queue() : null;
            String flag = turn.flags().isEmpty() ? null : turn.flags().get(0).rule();
            if (!java.util.Objects.equals(queue, expectQueue) || !java.util.Objects.equals(flag, expectFlag)) {
                wrong.add(spec.get("kind").asText() + " " + message + ": expected " + expectQueue + "/" + expectFlag
                        + ", got " + queue + "/" + flag);
            }
        }
        assertTrue(lines >= 150, "routing set has " + lines + " lines");
        assertEquals(List.of(), wrong);
    }
}
