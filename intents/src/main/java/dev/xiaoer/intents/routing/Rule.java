package dev.xiaoer.intents.routing;

import java.util.List;
import java.util.Objects;

/**
 * One rule of the rules file: a human queue (with a priority) or a supervisor flag (priority unused), its trigger
 * words and phrases as the shop wrote them, and its exceptions — phrases that contain a trigger but are not one.
 */
public record Rule(Kind kind, String id, String name, int priority, List<String> triggers, List<String> exceptions) {

    /** A rule either sends the chat to a queue or flags it for a supervisor. */
    public enum Kind { QUEUE, FLAG }

    public Rule {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        triggers = List.copyOf(triggers);
        exceptions = List.copyOf(exceptions);
    }
}
