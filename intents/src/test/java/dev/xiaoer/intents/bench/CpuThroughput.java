package dev.xiaoer.intents.bench;

import dev.xiaoer.intents.DialogState;
import dev.xiaoer.intents.IntentEngine;
import dev.xiaoer.intents.routing.RoutingRules;
import dev.xiaoer.intents.routing.RulesFile;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

/**
 * Decisions per second per core, measured against the CPU time of the deciding thread rather than the wall clock:
 * on a machine shared with other builds, wall-clock throughput (what JMH reports) falls whenever the thread is
 * descheduled, while decisions per CPU-second do not. Same workload as {@link DecisionBenchmark}: the shop test
 * queries in turn, decision cache off ("cold") or on and filled ("warm"). Then the cost of one rule scan per message,
 * as in {@link RoutingBenchmark}, in CPU nanoseconds.
 *
 * <p>Run: see intents/README.md ("Speed"). Arguments: {@code [entries...]}, default {@code 150 5000}.
 */
public final class CpuThroughput {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {150, 5000}
                : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        List<String> queries = BenchData.shopQueries();
        System.out.println("entries  cache  decisions/CPU-second  (wall-clock decisions/s)");
        for (int size : sizes) {
            for (String cache : new String[] {"cold", "warm"}) {
                IntentEngine engine = IntentEngine.builder().faq(BenchData.faqOfSize(size))
                        .cacheSize(cache.equals("cold") ? 0 : 100_000).build();
                run(engine, queries, 20_000_000_000L); // warm-up: 20 s of CPU for the JIT to settle
                double[] best = {0, 0};
                for (int round = 0; round < 5; round++) {
                    double[] r = run(engine, queries, 3_000_000_000L);
                    if (r[0] > best[0]) {
                        best = r;
                    }
                }
                System.out.printf(Locale.ROOT, "%7d  %5s  %20.0f  (%.0f)%n", size, cache, best[0], best[1]);
            }
        }
        System.out.println();
        System.out.println("rules    message    ns per scan (CPU)  (wall clock)");
        for (String rules : new String[] {"default", "10000"}) {
            RoutingRules compiled = rules.equals("default") ? RulesFile.embedded()
                    : RulesFile.parse("generated", RoutingBenchmark.generated(10_000));
            for (String[] message : new String[][] {{"plain", RoutingBenchmark.PLAIN},
                    {"disguised", RoutingBenchmark.DISGUISED}}) {
                scan(compiled, message[1], 5_000_000_000L);
                double[] best = {Double.MAX_VALUE, 0};
                for (int round = 0; round < 5; round++) {
                    double[] r = scan(compiled, message[1], 1_000_000_000L);
                    if (r[0] < best[0]) {
                        best = r;
                    }
                }
                System.out.printf(Locale.ROOT, "%-8s %-9s  %17.0f  (%.0f)%n", rules, message[0], best[0], best[1]);
            }
        }
    }

    /** Scans one message until {@code cpuNanos} are spent; returns {CPU ns per scan, wall ns per scan}. */
    private static double[] scan(RoutingRules rules, String message, long cpuNanos) {
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        long scans = 0;
        int sink = 0;
        long cpu;
        do {
            for (int i = 0; i < 1000; i++) {
                sink += rules.scan(message).flags().size();
                scans++;
            }
            cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
        } while (cpu < cpuNanos);
        long wall = System.nanoTime() - wallStart;
        if (sink == Integer.MIN_VALUE) {
            System.out.println(sink);
        }
        return new double[] {cpu / (double) scans, wall / (double) scans};
    }

    /** Decides until {@code cpuNanos} of this thread's CPU time are spent; returns {per CPU-second, per second}. */
    private static double[] run(IntentEngine engine, List<String> queries, long cpuNanos) {
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        long decisions = 0;
        int sink = 0;
        long cpu;
        do {
            for (int i = 0; i < 100; i++) {
                sink += engine.decide(queries.get((int) (decisions % queries.size())), DialogState.START)
                        .flags().size();
                decisions++;
            }
            cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
        } while (cpu < cpuNanos);
        long wall = System.nanoTime() - wallStart;
        if (sink == Integer.MIN_VALUE) {
            System.out.println(sink);
        }
        return new double[] {decisions * 1e9 / cpu, decisions * 1e9 / wall};
    }
}
