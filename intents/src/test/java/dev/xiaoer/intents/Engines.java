package dev.xiaoer.intents;

/** One engine over the embedded defaults, shared by tests that do not reload (building one takes a second). */
final class Engines {

    private static IntentEngine shared;

    private Engines() {
    }

    static synchronized IntentEngine embedded() {
        if (shared == null) {
            try {
                shared = IntentEngine.builder().build();
            } catch (IntentFileException e) {
                throw new AssertionError(e);
            }
        }
        return shared;
    }
}
