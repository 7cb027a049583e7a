package dev.xiaoer.intents.text;

/**
 * Turns whatever a buyer typed into the one form that FAQ search and keyword routing both read: NFKC (full-width →
 * half-width), lower case, Traditional → Simplified, emoji and control characters gone, punctuation and space runs
 * collapsed — and spaces or punctuation typed between two Han characters removed, so that 退 款, 退　款 and 退.款
 * read 退款. Every result keeps the offsets of its characters in the original text.
 *
 * <p>Stateless and thread-safe. Input is read only up to a cap, so any message costs bounded time.
 */
public final class TextNormalizer {

    /** Normalised characters kept for FAQ search: buyer questions are short, and smartcn's cost grows with length. */
    public static final int SEARCH_CAP = 200;
    /** Normalised characters kept for rule scanning: enough for any real chat message. */
    public static final int SCAN_CAP = 2_000;
    /** How many input characters are read per normalised character kept at most (bounds garbage input). */
    private static final int INPUT_PER_OUTPUT = 8;

    /** How separators between two Han characters are treated. */
    public enum Mode {
        /** For FAQ search: whitespace between Han characters goes, punctuation stays a (single) boundary. */
        SEARCH,
        /** For rule scanning: any run of spaces, punctuation or symbols between Han characters goes. */
        SCAN
    }

    private TextNormalizer() {
    }

    /** Normalises for FAQ search, keeping the first {@link #SEARCH_CAP} characters. */
    public static NormalizedText forSearch(CharSequence raw) {
        return normalize(raw, Mode.SEARCH, SEARCH_CAP);
    }

    /** Normalises for rule scanning, keeping the first {@link #SCAN_CAP} characters. */
    public static NormalizedText forScan(CharSequence raw) {
        return normalize(raw, Mode.SCAN, SCAN_CAP);
    }

    /** Normalises {@code raw} (null reads as empty), keeping at most {@code cap} normalised characters. */
    public static NormalizedText normalize(CharSequence raw, Mode mode, int cap) {
        if (raw == null) {
            raw = "";
        }
        int inputLimit = (int) Math.min(raw.length(), (long) cap * INPUT_PER_OUTPUT);
        Writer w = new Writer(mode, cap, Math.min(cap, inputLimit));
        int i = 0;
        while (i < inputLimit && !w.full) {
            char c = raw.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < raw.length() && Character.isLowSurrogate(raw.charAt(i + 1))) {
                w.supplementary(Character.toCodePoint(c, raw.charAt(i + 1)), i);
                i += 2;
                continue;
            }
            String mapped = CharTable.map(c);
            if (mapped == null) {
                w.accept(c, i);
            } else {
                for (int j = 0; j < mapped.length() && !w.full; j++) {
                    w.accept(mapped.charAt(j), i);
                }
            }
            i++;
        }
        return w.finish(raw, i < raw.length());
    }

    /** Accumulates normalised characters and their original offsets, deciding what each boundary becomes. */
    private static final class Writer {
        private final Mode mode;
        private final int cap;
        private char[] out;
        private int[] offsets;
        private int n;
        boolean full;
        // A boundary seen since the last kept character and not yet written.
        private boolean pendingSpace;
        private boolean pendingPunct;
        private int pendingAt;
        private char pendingPunctChar;
        private byte lastKind = CharTable.SPACE;
        private char last;

        Writer(Mode mode, int cap, int expected) {
            this.mode = mode;
            this.cap = cap;
            this.out = new char[Math.max(expected, 1)];
            this.offsets = new int[Math.max(expected, 1) + 1];
        }

        void accept(char m, int at) {
            byte kind = CharTable.kind(m);
            if (kind == CharTable.DROP) {
                return;
            }
            if (kind == CharTable.SPACE || kind == CharTable.PUNCT) {
                boundary(kind, m, at);
                return;
            }
            if (flushBoundary(kind, m) && room(1)) {
                put(m, at, kind);
            }
        }

        void supplementary(int cp, int at) {
            byte kind = CharTable.kindOf(cp);
            if (kind == CharTable.DROP) {
                return;
            }
            if (kind == CharTable.SPACE || kind == CharTable.PUNCT) {
                boundary(kind, (char) 0, at);
                return;
            }
            String text = new String(Character.toChars(cp));
            if (kind == CharTable.WORD) {
                text = java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKC)
                        .toLowerCase(java.util.Locale.ROOT);
            }
            for (int j = 0; j < text.length(); j++) {
                char m = text.charAt(j);
                if (Character.isSurrogate(m)) {
                    if (j == 0 && (!flushBoundary(kind, m) || !room(2))) {
                        return;
                    }
                    put(m, at, kind);
                } else {
                    accept(m, at);
                }
            }
        }

        private void boundary(byte kind, char m, int at) {
            if (!pendingSpace && !pendingPunct) {
                pendingAt = at;
                pendingPunctChar = kind == CharTable.PUNCT ? m : 0;
            } else {
                pendingPunctChar = 0;
            }
            if (kind == CharTable.SPACE) {
                pendingSpace = true;
            } else {
                pendingPunct = true;
            }
        }

        /** Writes the pending boundary, if any, before a kept character of {@code kind}; false when out of room. */
        private boolean flushBoundary(byte kind, char next) {
            if (!pendingSpace && !pendingPunct) {
                return true;
            }
            boolean hadSpace = pendingSpace;
            boolean hadPunct = pendingPunct;
            pendingSpace = false;
            pendingPunct = false;
            if (n == 0) {
                return true;
            }
            char boundary;
            if (!hadSpace && (pendingPunctChar == '.' || pendingPunctChar == ',') && isDigit(last) && isDigit(next)) {
                boundary = pendingPunctChar; // 3.15 and 12,315 stay one number
            } else if (lastKind == CharTable.HAN && kind == CharTable.HAN && (mode == Mode.SCAN || !hadPunct)) {
                return true; // 退 款 and 退.款 read 退款
            } else {
                boundary = ' ';
            }
            if (!room(2)) {
                return false;
            }
            out[n] = boundary;
            offsets[n++] = pendingAt;
            return true;
        }

        private boolean room(int chars) {
            if (n + chars > cap) {
                full = true;
                return false;
            }
            if (n + chars > out.length) {
                // NFKC can expand one character into several (㈱ → (株)).
                int size = Math.min(cap, Math.max(out.length * 2, n + chars));
                out = java.util.Arrays.copyOf(out, size);
                offsets = java.util.Arrays.copyOf(offsets, size + 1);
            }
            return true;
        }

        private void put(char m, int at, byte kind) {
            out[n] = m;
            offsets[n++] = at;
            lastKind = kind;
            last = m;
        }

        NormalizedText finish(CharSequence raw, boolean inputLeft) {
            int end = 0;
            if (n > 0) {
                int start = offsets[n - 1];
                end = start + (Character.isHighSurrogate(raw.charAt(start)) ? 2 : 1);
                end = Math.min(end, raw.length());
            }
            int[] exact = new int[n + 1];
            System.arraycopy(offsets, 0, exact, 0, n);
            exact[n] = end;
            return new NormalizedText(new String(out, 0, n), exact, full || inputLeft);
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

}
