package dev.xiaoer.loadtest.driver;

import dev.xiaoer.loadtest.questions.ShopQuestions;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Promise;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The lean closed-loop load driver: N WebSockets, each with up to K questions unanswered (or paced to a total
 * rate), a warm-up, then a fixed measured time; prints throughput and latency percentiles (HdrHistogram). It costs a
 * fraction of Gatling's CPU per message, so on a small machine it finds the server's ceiling, which Gatling cannot.
 * Against the gateway a buyer says {@code hello} and then asks questions, timed from each question to the bot's
 * reply; against the echo server the same frames come back as they went.
 *
 * <pre>java -cp … dev.xiaoer.loadtest.driver.LeanDriver --url ws://127.0.0.1:8080/ws/chat [options]</pre>
 * Run without options for the list. Exits 0 when every question got the right answer, 1 when any was wrong,
 * refused, lost or a connection failed, 2 on a bad command line.
 */
public final class LeanDriver {

    /** Handshakes in progress at once while ramping up; more only queue in the server's backlog. */
    private static final int CONNECTING_AT_ONCE = 256;
    private static final long DRAIN_MILLIS = 5_000;

    private final DriverRun run;
    private final PrintStream progress;

    private LeanDriver(DriverRun run, PrintStream progress) {
        this.run = run;
        this.progress = progress;
    }

    public static void main(String[] args) throws Exception {
        DriverOptions options;
        try {
            options = DriverOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("lean driver: " + e.getMessage());
            System.exit(2);
            return;
        }
        DriverResult result = run(options, System.err);
        System.out.println(result.report());
        if (options.summary() != null) {
            result.writeSummary(options.summary());
        }
        System.exit(result.clean() ? 0 : 1);
    }

    /** Runs the load described by the options; progress lines go to {@code progress} once a second. */
    public static DriverResult run(DriverOptions options, PrintStream progress) throws InterruptedException {
        DriverRun run = new DriverRun(options, ShopQuestions.load());
        return new LeanDriver(run, progress).drive();
    }

    private DriverResult drive() throws InterruptedException {
        DriverOptions o = run.options;
        int threads = o.threads() > 0 ? o.threads() : Runtime.getRuntime().availableProcessors();
        boolean epoll = o.transport() == DriverOptions.Transport.EPOLL && Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("driver", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Class<? extends SocketChannel> channel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        List<BuyerSocket> sockets = new ArrayList<>(o.connections());
        List<Channel> channels = new ArrayList<>(o.connections());
        try {
            long rampStart = System.nanoTime();
            connect(group, channel, sockets, channels);
            double rampSeconds = (System.nanoTime() - rampStart) / 1e9;
            progress.printf("ramp: %d of %d connections ready in %.1f s (%d failed)%n", run.tally.ready.get(),
                    o.connections(), rampSeconds, run.tally.connectFailures.sum());
            for (int i = 0; i < sockets.size(); i++) {
                BuyerSocket s = sockets.get(i);
                channels.get(i).eventLoop().execute(s::start);
            }
            Measured measured = measure(() -> {
                for (int i = 0; i < sockets.size(); i++) {
                    BuyerSocket s = sockets.get(i);
                    channels.get(i).eventLoop().execute(s::restartPacing);
                }
            });
            run.stopSending();
            for (int i = 0; i < sockets.size(); i++) {
                BuyerSocket s = sockets.get(i);
                channels.get(i).eventLoop().execute(s::stop);
            }
            long drainUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
            while (run.tally.outstanding.get() > 0 && System.nanoTime() < drainUntil) {
                Thread.sleep(20);
            }
            long unanswered = Math.max(0, run.tally.outstanding.get());
            int openAtEnd = run.tally.open.get();
            for (int i = 0; i < sockets.size(); i++) {
                BuyerSocket s = sockets.get(i);
                channels.get(i).eventLoop().execute(s::close);
            }
            long closeUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (run.tally.open.get() > 0 && System.nanoTime() < closeUntil) {
                Thread.sleep(20);
            }
            return new DriverResult(o, run.describeMix(), threads + (epoll ? " epoll" : " nio"), rampSeconds, measured.replies, measured.acks,
                    measured.seconds, measured.cpuSeconds, measured.serverCpuSeconds, run.tally.errors(),
                    run.tally.wrong.sum(), unanswered, run.tally.unexpectedCloses.sum(),
                    run.tally.connectFailures.sum(), run.tally.badFrames.sum(), run.tally.ready.get(), openAtEnd,
                    examples());
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private List<String> examples() {
        List<String> out = new ArrayList<>();
        run.tally.examples().forEach(out::add);
        return out;
    }

    /** Opens every connection and waits for its welcome, a bounded number of handshakes at a time. */
    private void connect(EventLoopGroup group, Class<? extends SocketChannel> channel, List<BuyerSocket> sockets,
                         List<Channel> channels) throws InterruptedException {
        DriverOptions o = run.options;
        String host = o.url().getHost();
        int port = o.url().getPort();
        WebSocketClientProtocolConfig ws = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(o.url())
                .handshakeTimeoutMillis(10_000)
                .maxFramePayloadLength(1 << 20)
                .dropPongFrames(true)
                .build();
        Bootstrap bootstrap = new Bootstrap().group(group).channel(channel)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        Semaphore connecting = new Semaphore(CONNECTING_AT_ONCE);
        long pace = o.connectRate() > 0 ? TimeUnit.SECONDS.toNanos(1) / o.connectRate() : 0;
        long started = System.nanoTime();
        long lastReport = started;
        for (int i = 0; i < o.connections(); i++) {
            if (pace > 0) {
                long wait = started + i * pace - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            if (!connecting.tryAcquire(30, TimeUnit.SECONDS)) {
                progress.println("ramp: handshakes stopped completing; going on with the connections made");
                break;
            }
            Promise<Void> ready = group.next().newPromise();
            BuyerSocket socket = new BuyerSocket(run, ready, 0x9E3779B97F4A7C15L * (i + 1));
            ready.addListener(f -> connecting.release());
            ChannelFuture cf = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                            .addLast(new HttpClientCodec())
                            .addLast(new HttpObjectAggregator(64 * 1024))
                            .addLast(new WebSocketClientProtocolHandler(ws))
                            .addLast(new WebSocketFrameAggregator(1 << 20))
                            .addLast(socket);
                }
            }).connect(host, port);
            cf.addListener(f -> {
                if (!f.isSuccess()) {
                    if (ready.tryFailure(f.cause())) {
                        run.tally.connectFailures.increment();
                        run.tally.example("connect: " + f.cause());
                    }
                }
            });
            sockets.add(socket);
            channels.add(cf.channel());
            long now = System.nanoTime();
            if (now - lastReport > TimeUnit.SECONDS.toNanos(1)) {
                lastReport = now;
                progress.printf("ramp: %d connections ready, %d failed%n", run.tally.ready.get(),
                        run.tally.connectFailures.sum());
            }
        }
        // Wait for the last handshakes.
        if (!connecting.tryAcquire(CONNECTING_AT_ONCE, 30, TimeUnit.SECONDS)) {
            progress.println("ramp: some handshakes did not finish in 30 s");
        } else {
            connecting.release(CONNECTING_AT_ONCE);
        }
    }

    private record Measured(Histogram replies, Histogram acks, double seconds, double cpuSeconds,
                            double serverCpuSeconds) {
    }

    /**
     * Warm-up, then the measured seconds, one progress line a second; phases change on the tick, where
     * {@code onMeasure} runs (paced connections restart their schedule).
     */
    private Measured measure(Runnable onMeasure) throws InterruptedException {
        DriverOptions o = run.options;
        Histogram replies = new Histogram(3);
        Histogram acks = new Histogram(3);
        Histogram interval = null;
        Histogram ackInterval = null;
        long tick = TimeUnit.SECONDS.toNanos(1);
        long start = System.nanoTime();
        long measureFrom = start;
        double cpuFrom = processCpuSeconds();
        double serverCpuFrom = ProcessCpu.seconds(o.serverPid());
        int total = o.warmup() + o.duration();
        // Throw away whatever was recorded before the start.
        run.tally.replies.getIntervalHistogram();
        run.tally.acks.getIntervalHistogram();
        for (int second = 1; second <= total; second++) {
            long wait = start + second * tick - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            interval = run.tally.replies.getIntervalHistogram(interval);
            ackInterval = run.tally.acks.getIntervalHistogram(ackInterval);
            boolean measuring = second > o.warmup();
            if (measuring) {
                replies.add(interval);
                acks.add(ackInterval);
            }
            if (second == o.warmup()) {
                onMeasure.run();
                measureFrom = System.nanoTime();
                cpuFrom = processCpuSeconds();
                serverCpuFrom = ProcessCpu.seconds(o.serverPid());
            }
            progress.printf("[%4ds] %-7s open %6d  answers/s %7d  p50 %7.2f ms  p99 %7.2f ms  errors %d  wrong %d%n",
                    second, measuring ? "measure" : "warm-up", run.tally.open.get(), interval.getTotalCount(),
                    interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0,
                    run.tally.errorCount(), run.tally.wrong.sum());
        }
        double seconds = (System.nanoTime() - measureFrom) / 1e9;
        return new Measured(replies, acks, seconds, processCpuSeconds() - cpuFrom,
                ProcessCpu.seconds(o.serverPid()) - serverCpuFrom);
    }

    private static double processCpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }
}
