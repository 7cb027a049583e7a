package dev.xiaoer.gateway.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.xiaoer.gateway.config.GatewayConfig;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one client IP address may do across all its connections: how many it may hold open, and how fast all of
 * them together may send. The per-IP buckets live in Caffeine so that the addresses of clients that went away are
 * forgotten on their own; connection counts are removed when they fall to zero.
 */
final class ClientLimits {

    /** A bucket unused this long is full again anyway, so dropping it loses nothing. */
    private static final Duration BUCKET_IDLE = Duration.ofMinutes(5);
    private static final long MAX_TRACKED_IPS = 200_000;

    private final GatewayConfig.Limits limits;
    private final Cache<String, TokenBucket> ipBuckets;
    private final ConcurrentHashMap<String, Integer> connections = new ConcurrentHashMap<>();

    ClientLimits(GatewayConfig.Limits limits) {
        this.limits = limits;
        this.ipBuckets = Caffeine.newBuilder().expireAfterAccess(BUCKET_IDLE).maximumSize(MAX_TRACKED_IPS).build();
    }

    /** Counts a new WebSocket of {@code ip}; false (and not counted) when the IP already holds the maximum. */
    boolean tryConnect(String ip) {
        boolean[] admitted = {false};
        connections.compute(ip, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= limits.maxConnectionsPerIp()) {
                return n;
            }
            admitted[0] = true;
            return count + 1;
        });
        return admitted[0];
    }

    /** A WebSocket counted by {@link #tryConnect} closed. */
    void disconnected(String ip) {
        connections.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Whether {@code ip} may send one more frame now. */
    boolean allowFrame(String ip, long nowNanos) {
        return ipBuckets.get(ip, k -> new TokenBucket(limits.ipMessagesPerSecond(), limits.ipMessageBurst(), nowNanos))
                .tryTake(nowNanos);
    }

    /** A fresh bucket for one connection (it lives and dies with the connection, so it needs no cache). */
    TokenBucket connectionBucket(long nowNanos) {
        return new TokenBucket(limits.messagesPerSecond(), limits.messageBurst(), nowNanos);
    }

    int openConnections() {
        int n = 0;
        for (int c : connections.values()) {
            n += c;
        }
        return n;
    }
}
