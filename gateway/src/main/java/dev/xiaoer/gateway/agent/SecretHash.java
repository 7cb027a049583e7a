package dev.xiaoer.gateway.agent;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An agent's secret as the config keeps it: a salted PBKDF2-HMAC-SHA256 hash written as one line,
 * {@code pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>}, so that a leaked config file does not give the
 * secrets away and the work factor can be raised later without breaking older lines. Immutable and thread-safe;
 * {@link #matches} is deliberately slow (tens to hundreds of milliseconds) and must never run on an event loop.
 */
public final class SecretHash {

    /** The scheme name that starts every hash line. */
    public static final String SCHEME = "pbkdf2-sha256";
    /** What {@code hash-secret} uses: OWASP's 2021 figure for PBKDF2-HMAC-SHA256, ~0.2 s per check here. */
    public static final int DEFAULT_ITERATIONS = 210_000;
    /** Below this a stolen config file could be brute-forced too cheaply. */
    public static final int MIN_ITERATIONS = 10_000;
    /** Above this one login would hold a core for many seconds. */
    public static final int MAX_ITERATIONS = 10_000_000;

    private static final int SALT_BYTES = 16;
    private static final int MIN_SALT_BYTES = 8;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private SecretHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /**
     * Reads a hash line.
     *
     * @throws IllegalArgumentException saying what is wrong with the line (never echoing it: it may be a secret
     *                                  pasted by mistake)
     */
    public static SecretHash parse(String line) {
        Objects.requireNonNull(line, "line");
        String[] parts = line.trim().split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            throw new IllegalArgumentException("is not a secret hash: expected " + SCHEME
                    + "$<iterations>$<salt>$<hash>, as printed by hash-secret");
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("has iterations that are not a number");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("has " + iterations + " iterations; use " + MIN_ITERATIONS + " to "
                    + MAX_ITERATIONS + " (hash-secret uses " + DEFAULT_ITERATIONS + ")");
        }
        byte[] salt;
        byte[] hash;
        try {
            salt = Base64.getDecoder().decode(parts[2]);
            hash = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("has a salt or hash that is not base64");
        }
        if (salt.length < MIN_SALT_BYTES) {
            throw new IllegalArgumentException("has a salt of " + salt.length + " bytes; at least " + MIN_SALT_BYTES
                    + " are needed");
        }
        if (hash.length != HASH_BYTES) {
            throw new IllegalArgumentException("has a hash of " + hash.length + " bytes; PBKDF2-SHA256 gives "
                    + HASH_BYTES);
        }
        return new SecretHash(iterations, salt, hash);
    }

    /** Hashes a new secret with a fresh random salt. */
    public static SecretHash of(char[] secret, int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be " + MIN_ITERATIONS + ".." + MAX_ITERATIONS
                    + ", was " + iterations);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new SecretHash(iterations, salt, derive(secret, salt, iterations));
    }

    /** Whether {@code secret} is the one hashed here; compares in constant time. Slow by design. */
    public boolean matches(char[] secret) {
        return MessageDigest.isEqual(derive(secret, salt, iterations), hash);
    }

    /** The work factor of this hash. */
    public int iterations() {
        return iterations;
    }

    private static byte[] derive(char[] secret, byte[] salt, int iterations) {
        // PBEKeySpec refuses an empty password; an empty secret still costs the same work and never matches.
        char[] input = secret.length == 0 ? new char[] {'\0'} : secret;
        PBEKeySpec spec = new PBEKeySpec(input, salt, iterations, HASH_BYTES * 8);
        try {
            byte[] out = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            return secret.length == 0 ? new byte[HASH_BYTES] : out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** The hash line, as it goes into the config. */
    @Override
    public String toString() {
        return SCHEME + "$" + iterations + "$" + Base64.getEncoder().encodeToString(salt) + "$"
                + Base64.getEncoder().encodeToString(hash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretHash other && other.iterations == iterations && Arrays.equals(other.salt, salt)
                && Arrays.equals(other.hash, hash);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hash);
    }
}
