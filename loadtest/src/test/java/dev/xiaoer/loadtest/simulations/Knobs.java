package dev.xiaoer.loadtest.simulations;

import java.time.Duration;

/**
 * The system properties every simulation reads ({@code -Dusers=200} and so on), with the defaults a developer gets
 * from a bare {@code mvn gatling:test}. A bad value stops the simulation before it starts, naming the property.
 *
 * <ul>
 *   <li>{@code url}: the server, {@code ws://127.0.0.1:8080} (an {@code http://} URL is taken as its WebSocket
 *   twin)</li>
 *   <li>{@code users}: virtual users (buyers, or connections)</li>
 *   <li>{@code ramp}: seconds over which the users arrive</li>
 *   <li>{@code duration}: seconds each user keeps going once arrived</li>
 *   <li>{@code think}: milliseconds a buyer takes between two messages, on average (drawn from ½× to 1½×)</li>
 *   <li>{@code target}: {@code gateway}, or {@code echo} for the bare echo server (which sends every frame back:
 *   the simulations that support it then expect their own frames instead of the gateway's answers)</li>
 * </ul>
 * Each simulation names the few properties of its own in its Javadoc.
 */
final class Knobs {

    private Knobs() {
    }

    /** The server's base URL for WebSockets, without a trailing slash. */
    static String url() {
        String url = System.getProperty("url", "ws://127.0.0.1:8080").trim();
        if (url.startsWith("http://")) {
            url = "ws://" + url.substring("http://".length());
        } else if (url.startsWith("https://")) {
            url = "wss://" + url.substring("https://".length());
        }
        if (!url.startsWith("ws://") && !url.startsWith("wss://")) {
            throw new IllegalArgumentException("-Durl must be ws://HOST:PORT (or http://HOST:PORT), was '" + url + "'");
        }
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return url;
    }

    /** Whether the server under test is the echo baseline rather than the gateway. */
    static boolean echo() {
        String t = text("target", "gateway");
        if (!t.equals("gateway") && !t.equals("echo")) {
            throw new IllegalArgumentException("-Dtarget must be gateway or echo, was '" + t + "'");
        }
        return t.equals("echo");
    }

    /** Refuses the echo server for a simulation that needs the gateway's conversations. */
    static void gatewayOnly(String simulation) {
        if (echo()) {
            throw new IllegalArgumentException(simulation + " needs the gateway (conversations, seqs, agents); "
                    + "the echo server only sends frames back");
        }
    }

    static int users(int byDefault) {
        return whole("users", byDefault, 1, 1_000_000);
    }

    static Duration ramp(int secondsByDefault) {
        return Duration.ofSeconds(whole("ramp", secondsByDefault, 0, 86_400));
    }

    static Duration duration(int secondsByDefault) {
        return Duration.ofSeconds(whole("duration", secondsByDefault, 1, 86_400));
    }

    static Duration think(int millisByDefault) {
        return Duration.ofMillis(whole("think", millisByDefault, 0, 3_600_000));
    }

    /** A whole-number property of a simulation's own. */
    static int whole(String name, int byDefault, int min, int max) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return byDefault;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + " must be a whole number, was '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("-D" + name + " must be from " + min + " to " + max + ", was " + n);
        }
        return n;
    }

    /** A fraction property of a simulation's own, from 0 to 1. */
    static double share(String name, double byDefault) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return byDefault;
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + " must be a number from 0 to 1, was '" + v + "'");
        }
        if (!(d >= 0 && d <= 1)) {
            throw new IllegalArgumentException("-D" + name + " must be from 0 to 1, was " + v);
        }
        return d;
    }

    /** A text property of a simulation's own. */
    static String text(String name, String byDefault) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? byDefault : v.trim();
    }
}
