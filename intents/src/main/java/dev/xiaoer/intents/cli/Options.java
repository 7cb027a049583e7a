package dev.xiaoer.intents.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Command-line options of one command: {@code --name value} pairs and bare {@code --flag}s, checked by name. */
final class Options {

    /** A mistake on the command line: the message says what and how to fix it. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, String> values = new HashMap<>();

    private Options() {
    }

    static Options parse(String[] args, int from, Set<String> valued, Set<String> flags) throws UsageException {
        Options o = new Options();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (valued.contains(a)) {
                if (i + 1 >= args.length) {
                    throw new UsageException(a + " needs a value");
                }
                o.values.put(a, args[++i]);
            } else if (flags.contains(a)) {
                o.values.put(a, "true");
            } else {
                throw new UsageException("unknown option " + a);
            }
        }
        return o;
    }

    Path path(String name) {
        String v = values.get(name);
        return v == null ? null : Path.of(v);
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }

    double number(String name, double fallback) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a number, got " + v);
        }
    }
}
