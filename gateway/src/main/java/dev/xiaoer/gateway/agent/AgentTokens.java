package dev.xiaoer.gateway.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Console login tokens: what a logged-in console uses to reconnect and to read transcripts without sending the
 * secret again. 256 random bits each; only their SHA-256 is kept, in memory (a restart logs every console out), and
 * each expires a fixed time after it was issued. Thread-safe.
 */
public final class AgentTokens {

    private static final int TOKEN_BYTES = 32;
    /** A bound on memory whatever happens: logins beyond it push out the tokens that expire first. */
    private static final int MAX_TOKENS = 10_000;
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private record Grant(String agentId, Instant expires) {
    }

    private final Duration lifetime;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Grant> byHash = new ConcurrentHashMap<>();

    public AgentTokens(Duration lifetime, Clock clock) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime must be positive, was " + lifetime);
        }
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** A new token for {@code agentId}. */
    public String issue(String agentId) {
        purge();
        byte[] b = new byte[TOKEN_BYTES];
        random.nextBytes(b);
        String token = URL.encodeToString(b);
        byHash.put(hash(token), new Grant(agentId, clock.instant().plus(lifetime)));
        return token;
    }

    /** How long a new token lives. */
    public Duration lifetime() {
        return lifetime;
    }

    /** The agent a live token was issued to; empty for an unknown, revoked or expired token. */
    public Optional<String> agentOf(String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return Optional.empty();
        }
        String h = hash(token);
        Grant g = byHash.get(h);
        if (g == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(g.expires)) {
            byHash.remove(h, g);
            return Optional.empty();
        }
        return Optional.of(g.agentId);
    }

    /** Revokes every token of {@code agentId} (logout). */
    public void revokeAll(String agentId) {
        byHash.values().removeIf(g -> g.agentId.equals(agentId));
    }

    private void purge() {
        Instant now = clock.instant();
        byHash.values().removeIf(g -> !now.isBefore(g.expires));
        if (byHash.size() >= MAX_TOKENS) {
            Iterator<Map.Entry<String, Grant>> it = byHash.entrySet().stream()
                    .sorted(Map.Entry.comparingByValue((a, b) -> a.expires.compareTo(b.expires)))
                    .limit(byHash.size() - MAX_TOKENS + 1L).iterator();
            while (it.hasNext()) {
                byHash.remove(it.next().getKey());
            }
        }
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
