package dev.xiaoer.intents;

import java.util.Objects;

/**
 * A supervisor flag raised by a message (abuse, threats, 差评 blackmail): the chat carries on, and a supervisor is
 * told which rule and which word fired at which offset of the original text.
 */
public record Flag(String rule, String ruleName, String trigger, int offset) {
    public Flag {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(ruleName, "ruleName");
        Objects.requireNonNull(trigger, "trigger");
    }
}
