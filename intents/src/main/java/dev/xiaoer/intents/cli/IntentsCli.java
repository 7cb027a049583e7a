package dev.xiaoer.intents.cli;

import dev.xiaoer.intents.IntentFileException;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The {@code xiaoer-intents.jar} command line: {@code ask} questions of the engine, {@code eval} the FAQ. */
public final class IntentsCli {

    static final String USAGE = String.join("\n",
            "usage: java -jar xiaoer-intents.jar <command> [options]",
            "",
            "  ask   [--faq FILE] [--synonyms FILE] [--rules FILE] [--answer-threshold X] [--suggest-threshold X]",
            "        [--conversation]",
            "        Reads messages from stdin, one a line; writes one JSON object per line to stdout.",
            "        --conversation keeps the dialog state from line to line (one buyer talking);",
            "        without it every line is a new conversation.",
            "",
            "  eval  --queries FILE.jsonl [--faq FILE] [--synonyms FILE] [--answer-threshold X]",
            "        [--suggest-threshold X] [--misses FILE] [--baseline] [--sweep]",
            "        Scores the FAQ on {\"query\", \"expect\": id-or-null} lines: top-1, MRR@5, answer rate,",
            "        answer precision, unknown-recall. --baseline measures plain smartcn BM25 instead;",
            "        --sweep prints answer rate and precision for a range of answer thresholds.",
            "",
            "  eval  --routing FILE.jsonl [--rules FILE] [--faq FILE] [--synonyms FILE]",
            "        Runs {\"message\", \"expect\": queue-or-null, \"flag\", \"kind\"} lines through the whole",
            "        engine and prints routing accuracy per kind, and every wrong line.",
            "",
            "Without --faq/--synonyms/--rules the embedded shop FAQ, synonyms and default rules are used.");

    private IntentsCli() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
                StandardCharsets.UTF_8);
        int code = run(args, System.in, out, err);
        out.flush();
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs one command; returns the process exit code (0 ok, 1 bad file, 2 bad usage). */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            switch (args[0]) {
                case "ask":
                    return AskCommand.run(args, in, out);
                case "eval":
                    return EvalCommand.run(args, out, err);
                default:
                    throw new Options.UsageException("unknown command " + args[0]);
            }
        } catch (Options.UsageException e) {
            err.println("xiaoer-intents: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (IntentFileException e) {
            err.println("xiaoer-intents: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("xiaoer-intents: " + e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            err.println("xiaoer-intents: " + e);
            return 1;
        }
    }
}
