package dev.xiaoer.intents.routing;

/**
 * A rule that fired on a message: the rule, the trigger word as written in the rules file, and where it starts
 * in the original message (a UTF-16 offset into the text the buyer sent).
 */
public record RuleHit(Rule rule, String trigger, int offset) {
}
