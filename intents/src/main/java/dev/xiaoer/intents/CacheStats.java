package dev.xiaoer.intents;

/**
 * How the engine's decision cache has served so far: FAQ decisions asked for, how many came from the cache, and how
 * many decisions it holds now. Counted since the engine was built (a FAQ reload empties the cache, not the counts).
 */
public record CacheStats(long requests, long hits, long entries) {

    /** What an engine without a cache reports. */
    public static final CacheStats NONE = new CacheStats(0, 0, 0);

    public CacheStats {
        if (requests < 0 || hits < 0 || hits > requests || entries < 0) {
            throw new IllegalArgumentException("inconsistent cache stats: " + requests + " requests, " + hits
                    + " hits, " + entries + " entries");
        }
    }

    /** Requests that had to search the FAQ. */
    public long misses() {
        return requests - hits;
    }
}
