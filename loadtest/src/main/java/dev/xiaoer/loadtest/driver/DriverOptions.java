package dev.xiaoer.loadtest.driver;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What one run of the lean driver does, from its command line. Every bad value is refused with a message that
 * names the option.
 *
 * @param url         the WebSocket URL, {@code ws://127.0.0.1:PORT/ws/chat}
 * @param target      which protocol the server speaks: the gateway's, or the echo server's
 * @param mode        buyers asking questions, or connections that only ping
 * @param connections how many WebSockets
 * @param inFlight    messages each connection may have unanswered at once
 * @param rate        total messages (or pings) per second over all connections; 0 sends as fast as replies come
 * @param warmup      seconds of load before measuring
 * @param duration    seconds measured
 * @param mix         which questions: a Zipf mix with never-seen ones, every one unique, or always the same
 * @param neverSeen   the share of never-seen questions in the Zipf mix
 * @param zipf        the Zipf exponent
 * @param threads     event-loop threads of the driver; 0 for one per core it may run on
 * @param pingSeconds in idle mode, how often each connection pings
 * @param connectRate new connections per second while ramping up; 0 for as fast as the server takes them
 * @param summary     a file to write the results to as {@code key=value} lines, or null
 * @param serverPid   the server's process id, to read its CPU time over the measured seconds; 0 for none
 * @param transport   the driver's own socket transport
 */
public record DriverOptions(URI url, Target target, Mode mode, int connections, int inFlight, double rate,
                            int warmup, int duration, Mix mix, double neverSeen, double zipf, int threads,
                            int pingSeconds, int connectRate, Path summary, long serverPid,
                            Transport transport) {

    /** The server's protocol. */
    public enum Target { GATEWAY, ECHO }

    /** What the connections do. */
    public enum Mode { CHAT, IDLE }

    /** Which questions buyers ask. */
    public enum Mix { ZIPF, UNIQUE, FIXED }

    /** The driver's sockets: Linux epoll (lighter, the default where it loads), or Java NIO. */
    public enum Transport { EPOLL, NIO }

    static final String USAGE = """
            usage: LeanDriver --url ws://127.0.0.1:PORT/ws/chat [options]
              --target gateway|echo     the server's protocol (default gateway)
              --mode chat|idle          ask questions, or only hold connections and ping (default chat)
              --connections N           WebSockets (default 100)
              --in-flight K             messages unanswered per connection at once, 1-32 (default 1)
              --rate R                  total messages/s (or pings/s in idle mode); 0 = closed loop (default 0)
              --warmup S                seconds of load before measuring (default 10)
              --duration S              seconds measured (default 30)
              --mix zipf|unique|fixed   Zipf over the FAQ with never-seen questions, all never seen, or one
                                        question always (default zipf)
              --never-seen P            share of never-seen questions in the Zipf mix (default 0.2)
              --zipf-exponent S         (default 1.0)
              --threads T               driver event-loop threads; 0 = one per usable core (default 0)
              --ping-interval S         seconds between pings of one connection in idle mode (default 30)
              --connect-rate R          new connections per second while ramping; 0 = unpaced (default 0)
              --summary FILE            also write the results as key=value lines
              --server-pid PID          the server's process (same machine): report its CPU while measured
              --transport epoll|nio     the driver's sockets (default epoll where available, else nio)""";

    /** Reads the command line. */
    public static DriverOptions parse(String... args) {
        URI url = null;
        Target target = Target.GATEWAY;
        Mode mode = Mode.CHAT;
        int connections = 100;
        int inFlight = 1;
        double rate = 0;
        int warmup = 10;
        int duration = 30;
        Mix mix = Mix.ZIPF;
        double neverSeen = 0.2;
        double zipf = 1.0;
        int threads = 0;
        int ping = 30;
        int connectRate = 0;
        Path summary = null;
        long serverPid = 0;
        Transport transport = Transport.EPOLL;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
            }
            String v = args[++i];
            switch (name) {
                case "--url" -> url = url(v);
                case "--target" -> target = choice(name, v, Target.class);
                case "--mode" -> mode = choice(name, v, Mode.class);
                case "--connections" -> connections = whole(name, v, 1, 1_000_000);
                case "--in-flight" -> inFlight = whole(name, v, 1, 32);
                case "--rate" -> rate = number(name, v, 0, 10_000_000);
                case "--warmup" -> warmup = whole(name, v, 0, 3600);
                case "--duration" -> duration = whole(name, v, 1, 24 * 3600);
                case "--mix" -> mix = choice(name, v, Mix.class);
                case "--never-seen" -> neverSeen = number(name, v, 0, 1);
                case "--zipf-exponent" -> zipf = number(name, v, 0, 5);
                case "--threads" -> threads = whole(name, v, 0, 256);
                case "--ping-interval" -> ping = whole(name, v, 1, 3600);
                case "--connect-rate" -> connectRate = whole(name, v, 0, 1_000_000);
                case "--summary" -> summary = Path.of(v);
                case "--server-pid" -> serverPid = whole(name, v, 1, Integer.MAX_VALUE);
                case "--transport" -> transport = choice(name, v, Transport.class);
                default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("--url is required\n" + USAGE);
        }
        return new DriverOptions(url, target, mode, connections, inFlight, rate, warmup, duration, mix, neverSeen,
                zipf, threads, ping, connectRate, summary, serverPid, transport);
    }

    private static URI url(String v) {
        URI u;
        try {
            u = URI.create(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--url: '" + v + "' is not a URL");
        }
        if (!"ws".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 0) {
            throw new IllegalArgumentException("--url: write ws://HOST:PORT/PATH, was '" + v + "'");
        }
        return u;
    }

    private static <E extends Enum<E>> E choice(String name, String v, Class<E> type) {
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : "|").append(c.name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException(name + ": write " + allowed + ", was '" + v + "'");
        }
    }

    private static int whole(String name, String v, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + v + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + ": write a number from " + min + " to " + max + ", was " + n);
        }
        return n;
    }

    private static double number(String name, String v, double min, double max) {
        double n;
        try {
            n = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + v + "' is not a number");
        }
        if (!(n >= min && n <= max)) {
            throw new IllegalArgumentException(name + ": write a number from " + min + " to " + max + ", was " + v);
        }
        return n;
    }
}
