package dev.xiaoer.gateway;

import dev.xiaoer.gateway.agent.SecretHash;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code hash-secret [--iterations N]}: reads an agent's secret (from the terminal without echo, asked twice; or the
 * first line of standard input when it is not a terminal) and prints the hash line to put in the config. The secret
 * itself is never printed or logged.
 */
final class HashSecret {

    static final String USAGE = "usage: java -jar xiaoer-gateway.jar hash-secret [--iterations N]  (reads the secret"
            + " from the terminal, or the first line of standard input)";
    /** Shorter secrets are accepted (it is the shop's choice) but get a warning. */
    private static final int SHORT_SECRET = 8;

    private HashSecret() {
    }

    static int run(String[] args, Console console, InputStream in, PrintStream out, PrintStream err) {
        int iterations = SecretHash.DEFAULT_ITERATIONS;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--iterations") && i + 1 < args.length) {
                try {
                    iterations = Integer.parseInt(args[++i]);
                } catch (NumberFormatException e) {
                    iterations = -1;
                }
                if (iterations < SecretHash.MIN_ITERATIONS || iterations > SecretHash.MAX_ITERATIONS) {
                    err.println("xiaoer hash-secret: --iterations must be a number from " + SecretHash.MIN_ITERATIONS
                            + " to " + SecretHash.MAX_ITERATIONS);
                    return 2;
                }
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                out.println(USAGE);
                return 0;
            } else {
                err.println("xiaoer hash-secret: unknown argument '" + args[i] + "'\n" + USAGE);
                return 2;
            }
        }
        char[] secret;
        try {
            secret = console != null ? fromConsole(console, err) : firstLine(in);
        } catch (IOException e) {
            err.println("xiaoer hash-secret: cannot read the secret: " + e.getMessage());
            return 1;
        }
        if (secret == null) {
            return 2;
        }
        try {
            if (secret.length == 0 || new String(secret).isBlank()) {
                err.println("xiaoer hash-secret: the secret is empty");
                return 2;
            }
            if (secret.length < SHORT_SECRET) {
                err.println("xiaoer hash-secret: warning: a secret shorter than " + SHORT_SECRET
                        + " characters is easy to guess");
            }
            out.println(SecretHash.of(secret, iterations));
            out.flush();
            return 0;
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    private static char[] fromConsole(Console console, PrintStream err) {
        char[] first = console.readPassword("agent secret: ");
        char[] again = console.readPassword("again: ");
        if (first == null || again == null) {
            err.println("xiaoer hash-secret: no secret given");
            return null;
        }
        boolean same = Arrays.equals(first, again);
        Arrays.fill(again, '\0');
        if (!same) {
            Arrays.fill(first, '\0');
            err.println("xiaoer hash-secret: the two secrets differ; nothing printed");
            return null;
        }
        return first;
    }

    /** The first line of standard input, without its line ending (a pipe: {@code echo -n … | … hash-secret}). */
    private static char[] firstLine(InputStream in) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line = r.readLine();
        return line == null ? new char[0] : line.toCharArray();
    }
}
