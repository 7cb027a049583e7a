package dev.xiaoer.gateway.agent;

import java.util.Set;

/**
 * Agents for tests: secrets hashed with the fewest iterations the config accepts, so that a login costs
 * milliseconds, not the production fraction of a second.
 */
public final class TestAgents {

    /** The secret of every test agent. */
    public static final String SECRET = "s3cret-for-tests";
    private static final SecretHash HASH = SecretHash.of(SECRET.toCharArray(), SecretHash.MIN_ITERATIONS);

    private TestAgents() {
    }

    /** An agent serving {@code queues} ("*" for all). */
    public static Agent agent(String id, String name, int maxChats, String... queues) {
        boolean all = Set.of(queues).contains("*");
        return new Agent(id, name, all ? Set.of() : Set.of(queues), all, maxChats, Agent.Role.AGENT, HASH);
    }

    /** A supervisor who serves {@code queues} and sees everything. */
    public static Agent supervisor(String id, String name, int maxChats, String... queues) {
        return new Agent(id, name, Set.of(queues), false, maxChats, Agent.Role.SUPERVISOR, HASH);
    }
}
