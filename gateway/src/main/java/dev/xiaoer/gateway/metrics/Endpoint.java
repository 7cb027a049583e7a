package dev.xiaoer.gateway.metrics;

/** Who talks to the gateway, as the {@code endpoint} label of the connection and frame metrics. */
public enum Endpoint {
    /** Buyers' widgets on {@code /ws/chat}. */
    BUYER("buyer"),
    /** Agent consoles on {@code /ws/agent}. */
    AGENT("agent"),
    /** The admin and supervisor HTTP API, and {@code /metrics} when it needs the token. */
    ADMIN("admin");

    private final String label;

    Endpoint(String label) {
        this.label = label;
    }

    /** The label value. */
    public String label() {
        return label;
    }
}
