package dev.xiaoer.intents.faq;

import dev.xiaoer.intents.text.TextNormalizer;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The analysis chains as input → tokens, one line per behaviour. */
class FaqAnalyzersTest {

    private static final Synonyms SYNONYMS = synonyms();
    private static final FaqAnalyzers ANALYZERS = new FaqAnalyzers(SYNONYMS);

    private static Synonyms synonyms() {
        try {
            return Synonyms.parse("test", "快递,物流,包裹\n怎么,咋,如何\n");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> tokens(Analyzer analyzer, String raw) throws Exception {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream("f", ANALYZERS.prepare(TextNormalizer.forSearch(raw).text()))) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        }
        return out;
    }

    private static void words(String raw, String... expected) throws Exception {
        assertEquals(List.of(expected), tokens(ANALYZERS.words, raw), raw);
    }

    private static void bigrams(String raw, String... expected) throws Exception {
        assertEquals(List.of(expected), tokens(ANALYZERS.bigrams, raw), raw);
    }

    @Test
    void greetingsAndFillerLeaveNothing() throws Exception {
        words("亲在吗");
        words("你好");
        words("亲亲 在不在呀");
        bigrams("亲在吗");
    }

    @Test
    void fillerAroundAQuestionIsDropped() throws Exception {
        words("亲，请问我要退款呢", "我", "要", "退款");
        words("麻烦问一下 包裹咋还没到呀", "快递", "怎么", "还", "没", "到");
    }

    @Test
    void synonymsMapToTheCanonicalWordBeforeSegmentation() throws Exception {
        words("物流到哪了", "快", "递", "到", "哪");
        bigrams("物流到哪了", "快", "快递", "递", "递到", "到", "到哪", "哪", "哪了", "了");
    }

    @Test
    void noBigramSpansADroppedParticle() throws Exception {
        bigrams("那个呢多少钱", "那", "那个", "个", "多", "多少", "少", "少钱", "钱");
    }

    @Test
    void latinAndDigitsStayWholeWords() throws Exception {
        words("iPhone 12 怎么充电", "iphone", "12", "怎么", "充电");
        bigrams("iPhone 12", "iphone", "12");
    }

    @Test
    void traditionalScriptAnalysesLikeSimplified() throws Exception {
        assertEquals(tokens(ANALYZERS.words, "发票抬头怎么填"), tokens(ANALYZERS.words, "發票抬頭怎麼填"));
    }
}
