package dev.xiaoer.loadtest.report;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table as Gatling 3.15 writes it; the smoke run checks the parser against a real report too. */
class GatlingReportTest {

    @Test
    void eachRequestRowGivesCountsRateAndPercentiles() {
        Map<String, GatlingReport.Row> rows = GatlingReport.parse(
                row("ROOT", "All Requests", "398", "398", "0", "0", "66.33", "0", "3", "5", "26", "62", "423", "8")
                        + row("req_reply-108401386", "reply", "126", "125", "1", "1", "21", "1", "5", "8", "25",
                        "56", "62", "8")
                        + row("req_close-1", "close", "5", "5", "0", "0", "1", "-", "-", "-", "-", "-", "-", "-"));
        assertEquals(3, rows.size());
        GatlingReport.Row reply = rows.get("reply");
        assertEquals(126, reply.total());
        assertEquals(125, reply.ok());
        assertEquals(1, reply.ko());
        assertEquals(21, reply.perSecond());
        assertEquals(5, reply.p50());
        assertEquals(25, reply.p95());
        assertEquals(56, reply.p99());
        assertEquals(62, reply.max());
        assertEquals(66.33, rows.get(GatlingReport.ALL).perSecond());
        assertTrue(Double.isNaN(rows.get("close").p50()));
    }

    private static String row(String id, String name, String... v) {
        StringBuilder b = new StringBuilder("<tr id=\"" + id + "\" data-parent=\"ROOT\">\n  <td class=\"total col-1\">"
                + "<span id=\"stats-table-" + id + "\" class=\"ellipsed-name\">" + name + "</span></td>\n");
        for (int i = 0; i < v.length; i++) {
            String kind = i == 1 ? "ok" : i == 2 || i == 3 ? "ko" : "total";
            b.append("  <td class=\"value ").append(kind).append(" col-").append(i + 2).append("\">").append(v[i])
                    .append("</td>\n");
        }
        return b.append("</tr>").toString();
    }
}
