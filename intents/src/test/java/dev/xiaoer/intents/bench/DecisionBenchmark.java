package dev.xiaoer.intents.bench;

import dev.xiaoer.intents.DialogState;
import dev.xiaoer.intents.IntentEngine;
import dev.xiaoer.intents.Turn;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decisions per second on one thread (one core): the full {@code IntentEngine.decide} — rules, small talk, FAQ —
 * over the 439 shop test queries in turn. "cold" has the decision cache off, so every call analyses and scores;
 * "warm" has it on and every query already seen.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
// smartcn's segmenter needs ~20 s before the JIT has settled; a shorter warm-up measures the interpreter.
@Warmup(iterations = 6, time = 4)
@Measurement(iterations = 5, time = 3)
public class DecisionBenchmark {

    @Param({"150", "5000"})
    public int entries;

    @Param({"cold", "warm"})
    public String cache;

    private IntentEngine engine;
    private String[] queries;
    private int next;

    @Setup
    public void setUp() throws Exception {
        engine = IntentEngine.builder().faq(BenchData.faqOfSize(entries))
                .cacheSize(cache.equals("cold") ? 0 : 100_000).build();
        List<String> list = BenchData.shopQueries();
        queries = list.toArray(new String[0]);
        for (String q : queries) {
            engine.decide(q, DialogState.START);
        }
    }

    @Benchmark
    public Turn decide() {
        String q = queries[next];
        next = next + 1 == queries.length ? 0 : next + 1;
        return engine.decide(q, DialogState.START);
    }
}
