package dev.xiaoer.gateway.chat;

/**
 * A buyer's first frame: a new session when {@code session} is null, else a resume of that session with its token,
 * asking for every conversation frame after {@code lastSeq} (0 for all). {@code lang} picks system texts ("zh", "en").
 */
public record Hello(String session, String token, long lastSeq, String lang) {
    public Hello {
        if (lastSeq < 0) {
            throw new IllegalArgumentException("lastSeq must be >= 0, was " + lastSeq);
        }
        if (session != null && token == null) {
            throw new IllegalArgumentException("a resume needs the session's token");
        }
    }

    /** Whether this hello resumes an existing session. */
    public boolean resumes() {
        return session != null;
    }
}
