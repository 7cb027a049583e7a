package dev.xiaoer.intents.text;

/**
 * Buyer text after {@link TextNormalizer}, with the way back: for every normalised character, the offset in the
 * original text it came from, so that a matched rule word can be reported where the buyer typed it.
 */
public final class NormalizedText {

    private final String text;
    private final int[] originalOffsets;
    private final boolean truncated;

    NormalizedText(String text, int[] originalOffsets, boolean truncated) {
        this.text = text;
        this.originalOffsets = originalOffsets;
        this.truncated = truncated;
    }

    /** The normalised text. */
    public String text() {
        return text;
    }

    /** The number of normalised characters. */
    public int length() {
        return text.length();
    }

    /** True when the input was longer than the cap and only its start was normalised. */
    public boolean truncated() {
        return truncated;
    }

    /**
     * The offset in the original text of the normalised character at {@code index}; {@code index == length()}
     * gives the end of the last normalised character in the original.
     */
    public int originalOffset(int index) {
        return originalOffsets[index];
    }

    @Override
    public String toString() {
        return text;
    }
}
