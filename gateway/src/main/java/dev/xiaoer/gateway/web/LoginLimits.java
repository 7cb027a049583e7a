package dev.xiaoer.gateway.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;

/**
 * How many failed agent logins an address and an agent id may have: a token bucket per IP address and one per
 * agent id, each attempt taking a token from both, a successful one giving them back. Guessing a secret is slowed
 * to a crawl from any one address, and one agent's secret cannot be worked on from many. The buckets live in
 * Caffeine so that those of addresses and ids gone quiet are forgotten.
 */
final class LoginLimits {

    /** Ten tries at once from one address, then one every six seconds (ten a minute). */
    static final int IP_BURST = 10;
    static final double IP_PER_SECOND = 1 / 6.0;
    /** Five tries at once for one agent id, then one every thirty seconds. */
    static final int ID_BURST = 5;
    static final double ID_PER_SECOND = 1 / 30.0;

    private static final Duration FORGET_AFTER = Duration.ofMinutes(10);
    private static final long MAX_TRACKED = 100_000;

    private final Cache<String, TokenBucket> byIp = Caffeine.newBuilder().expireAfterAccess(FORGET_AFTER)
            .maximumSize(MAX_TRACKED).build();
    private final Cache<String, TokenBucket> byId = Caffeine.newBuilder().expireAfterAccess(FORGET_AFTER)
            .maximumSize(MAX_TRACKED).build();

    /** Whether a login attempt from {@code ip} for {@code agentId} (null for a token login) may be checked now. */
    boolean tryAttempt(String ip, String agentId, long nowNanos) {
        TokenBucket ipBucket = byIp.get(ip, k -> new TokenBucket(IP_PER_SECOND, IP_BURST, nowNanos));
        if (!ipBucket.tryTake(nowNanos)) {
            return false;
        }
        if (agentId == null) {
            return true;
        }
        TokenBucket idBucket = byId.get(agentId, k -> new TokenBucket(ID_PER_SECOND, ID_BURST, nowNanos));
        if (!idBucket.tryTake(nowNanos)) {
            ipBucket.giveBack();
            return false;
        }
        return true;
    }

    /** The attempt succeeded: it does not count against the address or the id. */
    void succeeded(String ip, String agentId) {
        TokenBucket ipBucket = byIp.getIfPresent(ip);
        if (ipBucket != null) {
            ipBucket.giveBack();
        }
        TokenBucket idBucket = agentId == null ? null : byId.getIfPresent(agentId);
        if (idBucket != null) {
            idBucket.giveBack();
        }
    }
}
