package dev.xiaoer.gateway.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The admin API's bearer token, as configured ({@code admin.token}). Only its SHA-256 is kept; a presented token is
 * hashed and compared in constant time, so neither the comparison's time nor the token's length tells anything.
 * An empty configured token means the admin API is off, and nothing matches it.
 */
public final class AdminToken {

    private final byte[] digest;

    private AdminToken(byte[] digest) {
        this.digest = digest;
    }

    /** The token from the config; empty or null turns the admin API off. */
    public static AdminToken of(String configured) {
        return new AdminToken(configured == null || configured.isEmpty() ? null : sha256(configured));
    }

    /** Whether a token is configured (the admin API is on). */
    public boolean enabled() {
        return digest != null;
    }

    /** Whether {@code presented} is the token; always false while the API is off. */
    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        byte[] candidate = sha256(presented);
        // Hashed first: isEqual is constant-time for equal lengths, and digests always have the same length.
        return digest != null && MessageDigest.isEqual(digest, candidate);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return enabled() ? "AdminToken[set]" : "AdminToken[off]";
    }
}
