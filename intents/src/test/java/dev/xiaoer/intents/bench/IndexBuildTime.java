package dev.xiaoer.intents.bench;

import dev.xiaoer.intents.faq.FaqEntry;
import dev.xiaoer.intents.faq.FaqFile;
import dev.xiaoer.intents.faq.FaqIndex;
import dev.xiaoer.intents.faq.Synonyms;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

/**
 * How long building the FAQ index takes (analysis, Lucene, compiled postings, learning the associations), in CPU
 * and wall-clock seconds of the building thread: the first build in a fresh JVM, then warm builds.
 *
 * <p>Run: see intents/README.md ("Build cost"). Arguments: {@code [entries...]}, default {@code 5000}.
 */
public final class IndexBuildTime {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private IndexBuildTime() {
    }

    public static void main(String[] args) throws Exception {
        Synonyms synonyms = Synonyms.embedded();
        for (String arg : args.length == 0 ? new String[] {"5000"} : args) {
            List<FaqEntry> faq = FaqFile.read(BenchData.faqOfSize(Integer.parseInt(arg)));
            for (int run = 0; run < 5; run++) {
                long cpu = THREADS.getCurrentThreadCpuTime();
                long wall = System.nanoTime();
                FaqIndex index = FaqIndex.build(faq, synonyms);
                System.out.printf(Locale.ROOT, "%d entries, %d phrasings, build %d: %.2f s CPU (%.2f s wall)%n",
                        index.size(), index.phrasings(), run + 1, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9,
                        (System.nanoTime() - wall) / 1e9);
            }
        }
    }
}
