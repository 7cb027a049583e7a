package dev.xiaoer.intents.routing;

import java.util.List;
import java.util.Optional;

/** What the rules found in one message: the queue to route to (highest priority wins), and every flag raised. */
public record RuleScan(Optional<RuleHit> route, List<RuleHit> flags) {

    /** Nothing fired. */
    public static final RuleScan NONE = new RuleScan(Optional.empty(), List.of());

    public RuleScan {
        flags = List.copyOf(flags);
    }
}
