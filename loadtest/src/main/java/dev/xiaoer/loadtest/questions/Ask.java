package dev.xiaoer.loadtest.questions;

/**
 * One message a simulated buyer sends: its text and, for a known question, the reply it must get. A question the
 * bot has never seen ({@code known == null}) was made unique so that no cache can hold it; any bot reply is right.
 */
public record Ask(String text, ShopQuestion known) {

    /** Whether this text was generated to be new to the gateway. */
    public boolean neverSeen() {
        return known == null;
    }

    /** The band the reply must have, or null when any bot band will do. */
    public String expectedBand() {
        return known == null ? null : known.band();
    }

    /** The FAQ entry the reply must answer with, or null when none is expected. */
    public String expectedFaqId() {
        return known == null ? null : known.faqId();
    }

    /**
     * Whether a bot reply with this band and FAQ id is the right one. A never-seen question may get any bot band
     * but a handoff (its base question was one the bot answers, and the suffix holds no routing keyword).
     */
    public boolean acceptsReply(String band, String faqId) {
        if (band == null) {
            return false;
        }
        if (known == null) {
            return band.equals("answer") || band.equals("suggest") || band.equals("unknown")
                    || band.equals("smalltalk");
        }
        return band.equals(known.band()) && (known.faqId() == null || known.faqId().equals(faqId));
    }
}
