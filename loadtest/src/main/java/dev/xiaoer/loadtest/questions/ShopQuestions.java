package dev.xiaoer.loadtest.questions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The question file every load generator draws from: the embedded shop FAQ's questions and paraphrases, one JSON
 * object a line, written at build time by {@link ShopQuestionsWriter} with the engine's decision on each.
 */
public final class ShopQuestions {

    /** Where the build puts the file on the classpath. */
    public static final String RESOURCE = "/dev/xiaoer/loadtest/questions/shop-questions.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ShopQuestions() {
    }

    /** Every question of the file on the classpath. */
    public static List<ShopQuestion> load() {
        try (InputStream in = ShopQuestions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath; the build writes it: "
                        + "mvn -B -DskipTests -pl loadtest -am package");
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The questions of a file in this format. */
    public static List<ShopQuestion> read(InputStream in) throws IOException {
        List<ShopQuestion> out = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode o = JSON.readTree(line);
                JsonNode faqId = o.get("faqId");
                out.add(new ShopQuestion(o.get("text").asText(), o.get("entry").asText(), o.get("kind").asText(),
                        o.get("band").asText(), faqId == null || faqId.isNull() ? null : faqId.asText()));
            } catch (IOException | RuntimeException e) {
                throw new IOException("question file line " + number + " is not a question: " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) {
            throw new IOException("the question file is empty");
        }
        return out;
    }

    /** One line of the file. */
    static String line(ShopQuestion q) {
        var o = JSON.createObjectNode();
        o.put("text", q.text());
        o.put("entry", q.entry());
        o.put("kind", q.kind());
        o.put("band", q.band());
        if (q.faqId() != null) {
            o.put("faqId", q.faqId());
        }
        return o.toString();
    }
}
