package dev.xiaoer.intents;

/**
 * What the engine remembers of one conversation between messages: the number of unknowns in a row and whether a
 * human has been offered. The gateway keeps one per conversation and passes back {@link Turn#next()}.
 */
public record DialogState(int consecutiveUnknowns, boolean humanOffered) {

    /** The state of a conversation that has not said anything yet. */
    public static final DialogState START = new DialogState(0, false);

    public DialogState {
        if (consecutiveUnknowns < 0) {
            throw new IllegalArgumentException("consecutiveUnknowns must be >= 0, was " + consecutiveUnknowns);
        }
    }
}
