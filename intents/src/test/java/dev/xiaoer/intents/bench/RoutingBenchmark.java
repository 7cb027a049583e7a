package dev.xiaoer.intents.bench;

import dev.xiaoer.intents.routing.RoutingRules;
import dev.xiaoer.intents.routing.RuleScan;
import dev.xiaoer.intents.routing.RulesFile;
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

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Cost of rule matching per message (normalise + one Aho–Corasick pass + exceptions), for the shipped rules and
 * for 10,000 generated rule words, on 30-character messages: one with no trigger, one with a disguised refund.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RoutingBenchmark {

    /** 30 characters, no trigger. */
    static final String PLAIN = "亲，请问这款羽绒服有没有加大码的呀，我身高一米八体重一百八的";
    /** 30 characters, a trigger typed with a full-width space and punctuation. */
    static final String DISGUISED = "东西收到了质量太差了吧我要退　款！！！你们赶紧给我处理一下吧";

    @Param({"default", "10000"})
    public String rules;

    private RoutingRules compiled;

    @Setup
    public void setUp() throws Exception {
        compiled = rules.equals("default") ? RulesFile.embedded() : RulesFile.parse("generated", generated(10_000));
    }

    /** 10,000 distinct 2–4 character Han words spread over five queues. */
    static String generated(int words) {
        String pool = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产"
                + "种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把"
                + "性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向"
                + "道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长"
                + "求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光"
                + "门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花";
        Random random = new Random(2024);
        Set<String> seen = new HashSet<>();
        StringBuilder yaml = new StringBuilder("queues:\n");
        int perQueue = words / 5;
        for (int q = 0; q < 5; q++) {
            yaml.append("  - id: q").append(q).append("\n    priority: ").append(q + 1).append("\n    triggers:\n");
            int n = 0;
            while (n < perQueue) {
                int length = 2 + random.nextInt(3);
                StringBuilder w = new StringBuilder();
                for (int i = 0; i < length; i++) {
                    w.append(pool.charAt(random.nextInt(pool.length())));
                }
                if (seen.add(w.toString())) {
                    yaml.append("      - \"").append(w).append("\"\n");
                    n++;
                }
            }
        }
        return yaml.toString();
    }

    @Benchmark
    public RuleScan plainMessage() {
        return compiled.scan(PLAIN);
    }

    @Benchmark
    public RuleScan disguisedRefund() {
        return compiled.scan(DISGUISED);
    }
}
