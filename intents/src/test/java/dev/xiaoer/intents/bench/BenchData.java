package dev.xiaoer.intents.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaoer.intents.faq.FaqEntry;
import dev.xiaoer.intents.faq.FaqFile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Data for the benchmarks: the shop test queries, and FAQ files of a chosen size built from the shop FAQ. */
final class BenchData {

    /** Product words that turn the shop FAQ's 179 entries into many distinct ones (羽绒服：什么时候发货？). */
    private static final String[] PRODUCTS = ("羽绒服 手机壳 蓝牙耳机 床单 四件套 连衣裙 运动鞋 保温杯 充电宝 口红 面霜 "
            + "沙发 台灯 猫粮 狗粮 奶粉 尿不湿 牛仔裤 卫衣 帆布鞋 电饭煲 吹风机 剃须刀 行李箱 双肩包 羽毛球拍 瑜伽垫 "
            + "茶叶 坚果 月饼").split(" ");

    private BenchData() {
    }

    static List<String> shopQueries() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> queries = new ArrayList<>();
        try (InputStream in = BenchData.class.getResourceAsStream("/eval/shop-queries.jsonl")) {
            if (in == null) {
                throw new IOException("eval/shop-queries.jsonl is missing from the test classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    queries.add(json.readTree(line).get("query").asText());
                }
            }
        }
        return queries;
    }

    /** A FAQ file of {@code size} entries: the shop FAQ's first entries, then product-prefixed copies. */
    static Path faqOfSize(int size) throws IOException {
        List<FaqEntry> shop = FaqFile.embedded();
        ObjectMapper json = new ObjectMapper();
        Path file = Files.createTempFile("xiaoer-bench-faq-" + size + "-", ".jsonl");
        file.toFile().deleteOnExit();
        List<String> lines = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            FaqEntry base = shop.get(i % shop.size());
            int round = i / shop.size();
            String prefix = round == 0 ? "" : PRODUCTS[(round - 1) % PRODUCTS.length] + (round > PRODUCTS.length
                    ? String.valueOf(round) : "") + "：";
            ObjectNode node = json.createObjectNode();
            node.put("id", base.id() + (round == 0 ? "" : "-" + round));
            node.put("question", prefix + base.question());
            var similar = node.putArray("similar");
            base.similar().forEach(s -> similar.add(prefix + s));
            node.put("answer", base.answer());
            lines.add(json.writeValueAsString(node));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

}
