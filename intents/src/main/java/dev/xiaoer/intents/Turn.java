package dev.xiaoer.intents;

import java.util.List;
import java.util.Objects;

/** The engine's answer to one message: the decision, any supervisor flags, and the dialog state to keep. */
public record Turn(Decision decision, List<Flag> flags, DialogState next) {
    public Turn {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(next, "next");
        flags = List.copyOf(flags);
    }
}
