package dev.xiaoer.gateway.agent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured agents and the check of their secrets. {@link #check} costs one PBKDF2 derivation whether or not
 * the id exists, so the time a login takes does not tell which ids are real. Thread-safe (immutable).
 */
public final class Credentials {

    /** The secret of the shipped demo agent ("demo"), as it appears in the embedded default config. */
    public static final String DEMO_SECRET_HASH =
            "pbkdf2-sha256$210000$yIoW7blY6OSnLUbRbq60Bw==$bBjcDaL1DG5PVzJROY7p13Obb8swsZ+2oZSfV/E2Vtc=";

    private final Map<String, Agent> byId = new LinkedHashMap<>();
    private final int decoyIterations;
    /** Checked against when the id is unknown, made on first need (hashing it costs as much as a login). */
    private volatile SecretHash decoy;

    public Credentials(List<Agent> agents) {
        int iterations = SecretHash.MIN_ITERATIONS;
        for (Agent a : agents) {
            if (byId.putIfAbsent(a.id(), a) != null) {
                throw new IllegalArgumentException("duplicate agent id " + a.id());
            }
            iterations = Math.max(iterations, a.secret().iterations());
        }
        this.decoyIterations = iterations;
    }

    /** The agent with this id and this secret, or empty. Slow by design: call it off the event loops. */
    public Optional<Agent> check(String agentId, char[] secret) {
        Agent a = agentId == null ? null : byId.get(agentId);
        if (a == null) {
            SecretHash d = decoy;
            if (d == null) {
                d = SecretHash.of("decoy".toCharArray(), decoyIterations);
                decoy = d;
            }
            d.matches(secret);
            return Optional.empty();
        }
        return a.secret().matches(secret) ? Optional.of(a) : Optional.empty();
    }

    /** The agent with this id. */
    public Optional<Agent> byId(String agentId) {
        return Optional.ofNullable(byId.get(agentId));
    }

    /** The agents still using the shipped demo secret, which everyone who read the README knows. */
    public List<Agent> withDemoSecret() {
        return byId.values().stream().filter(a -> a.secret().toString().equals(DEMO_SECRET_HASH)).toList();
    }

    /** Every configured agent, in config order. */
    public List<Agent> all() {
        return List.copyOf(byId.values());
    }
}
