package dev.xiaoer.gateway.chat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Session ids and tokens: random, URL-safe; only the SHA-256 of a token is kept, and tokens are checked in constant
 * time so that a wrong guess learns nothing from the time it takes.
 */
final class SessionKeys {

    /** 128 bits for ids (unguessable enough to be unique), 256 bits for tokens (the secret). */
    private static final int ID_BYTES = 16;
    private static final int TOKEN_BYTES = 32;

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private final SecureRandom random = new SecureRandom();

    String newSessionId() {
        return random(ID_BYTES);
    }

    String newToken() {
        return random(TOKEN_BYTES);
    }

    private String random(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return URL.encodeToString(b);
    }

    /** The stored form of a token: lower-case hex of its SHA-256. */
    static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    /** Whether {@code token} hashes to {@code storedHash}, compared in constant time. */
    static boolean matches(String token, String storedHash) {
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(storedHash);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sha256(token), expected);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
