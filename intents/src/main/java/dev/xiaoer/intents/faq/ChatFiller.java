package dev.xiaoer.intents.faq;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;

import java.util.List;

/**
 * What buyers add to a question without changing it — 亲, 请问, 呀, 呢, 你好, 老板在吗 — and what FAQ search
 * therefore ignores. Without it, 我要退款呢 and 亲请问怎么退货呀 share their filler with every other question,
 * and a greeting like 亲在吗 matches whatever FAQ happens to contain 在.
 *
 * <p>Three lists, because smartcn does not segment filler reliably (你好 comes out as 你/好, 在吗 as 在/吗):
 * phrases are removed from the text before tokenising; particles are single characters dropped in both fields;
 * words are dropped from the smartcn words field only, because as characters they also occur inside real words
 * (哈 in 哈尔滨, 了 in 了解).
 */
final class ChatFiller {

    /** Removed from the text before tokenising (replaced by a boundary, so no bigram forms across them). */
    static final List<String> PHRASES = List.of(
            "你好", "您好", "请问", "请教", "麻烦问下", "麻烦问一下", "麻烦", "问一下", "问下", "想问下", "想问一下",
            "我想问", "想问", "在吗", "在不在", "亲亲", "哈喽", "哈罗", "老板", "掌柜", "店家", "一下");

    /** Single-character particles: dropped as words and as characters. */
    static final List<String> PARTICLES = List.of(
            "亲", "呀", "呢", "吗", "吧", "哦", "嘛", "啦", "呐", "嗯", "哟", "噢", "喔", "哇", "咯", "啊", "呗", "哒", "嘞");

    /** Dropped from the smartcn words field only. */
    static final List<String> WORDS = List.of("哈", "的", "了", "请", "您");

    private ChatFiller() {
    }

    /** Stop set of the smartcn words field: smartcn's own punctuation stop words, particles and filler words. */
    static CharArraySet wordStops() {
        CharArraySet set = new CharArraySet(SmartChineseAnalyzer.getDefaultStopSet(), false);
        set.addAll(PARTICLES);
        set.addAll(WORDS);
        set.addAll(PHRASES);
        return CharArraySet.unmodifiableSet(set);
    }

    /** Stop set applied to single characters before bigramming. */
    static CharArraySet characterStops() {
        return CharArraySet.unmodifiableSet(new CharArraySet(PARTICLES, false));
    }
}
