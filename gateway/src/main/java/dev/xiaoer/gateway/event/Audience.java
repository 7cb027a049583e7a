package dev.xiaoer.gateway.event;

/** Who may see an event: the buyer and the agents, or agents (and supervisors) only. */
public enum Audience {
    EVERYONE,
    AGENTS_ONLY
}
