package dev.xiaoer.gateway.chat;

import java.util.Objects;

/**
 * Something the buyer typed ({@code text}) or clicked ({@code faqId}, a suggested FAQ entry); {@code id} is chosen
 * by the client and unique within its session, so a resend is recognised and never processed twice.
 */
public record BuyerMessage(String id, String text, String faqId) {
    public BuyerMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
    }
}
