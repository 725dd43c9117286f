package dev.costpipe.clickhouse.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces of the report that need no ClickHouse: money, weeks, chart axis, escaping, identifiers. */
class ReportFormattingTest {

    @Test
    void usdFormatting() {
        assertThat(Usd.format(0)).isEqualTo("$0.00");
        assertThat(Usd.format(1_234_567_890_123L)).isEqualTo("$1,234.57");
        assertThat(Usd.format(1_000_000_000L)).isEqualTo("$1.00");
        assertThat(Usd.format(120_000_000L)).isEqualTo("$0.12");
        assertThat(Usd.format(123_450_000L)).isEqualTo("$0.1234"); // half-even
        assertThat(Usd.format(127_200L)).isEqualTo("$0.0001272");
        assertThat(Usd.format(1L)).isEqualTo("$0.000000001");
        assertThat(Usd.format(999_990_000L)).isEqualTo("$1.00");
        assertThat(Usd.format(-3_200_000_000L)).isEqualTo("-$3.20");
        assertThat(Usd.formatSigned(5_000_000_000L)).isEqualTo("+$5.00");
        assertThat(Usd.format(Long.MAX_VALUE)).isEqualTo("$9,223,372,036.85");
        assertThat(Usd.exactText(127_200L)).isEqualTo("0.000127200");
        assertThat(Usd.percent(1, 3)).isEqualByComparingTo("33.3");
        assertThat(Usd.percent(1, 0)).isNull();
        assertThat(Usd.divide(7, 2)).isEqualTo(4); // 3.5 half-even
        assertThat(Usd.divide(5, 2)).isEqualTo(2); // 2.5 half-even
        assertThat(Usd.count(1_234_567)).isEqualTo("1,234,567");
    }

    @Test
    void isoWeeks() {
        IsoWeek w = IsoWeek.parse("2026-W47");
        assertThat(w.monday()).isEqualTo(LocalDate.parse("2026-11-16"));
        assertThat(w.start()).isEqualTo(Instant.parse("2026-11-16T00:00:00Z"));
        assertThat(w.end()).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(w.previous()).hasToString("2026-W46");
        assertThat(IsoWeek.parse("2021-W01").previous()).hasToString("2020-W53"); // 2020 has 53 weeks
        assertThat(IsoWeek.parse("2020-W53").next()).hasToString("2021-W01");
        assertThat(IsoWeek.parse("2026-W01").monday()).isEqualTo(LocalDate.parse("2025-12-29"));
        assertThat(IsoWeek.of(LocalDate.parse("2027-01-01"))).hasToString("2026-W53");
        assertThat(IsoWeek.lastComplete(Clock.fixed(Instant.parse("2026-11-23T00:00:00Z"), ZoneOffset.UTC)))
                .hasToString("2026-W47"); // Monday 00:00: last week just completed
        assertThat(IsoWeek.lastComplete(Clock.fixed(Instant.parse("2026-11-22T23:59:59Z"), ZoneOffset.UTC)))
                .hasToString("2026-W46");
        assertThatThrownBy(() -> IsoWeek.parse("2026-W54")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IsoWeek.parse("2025-W53")).hasMessageContaining("weeks 1 to 52");
        assertThatThrownBy(() -> IsoWeek.parse("2026-47")).hasMessageContaining("YYYY-Www");
    }

    @Test
    void chartAxisUsesRoundExactSteps() {
        assertThat(DailySpendChart.ticks(new BigDecimal("0.1504"))).extracting(BigDecimal::toPlainString)
                .containsExactly("0", "0.05", "0.10", "0.15", "0.20");
        assertThat(DailySpendChart.ticks(new BigDecimal("4.61"))).extracting(BigDecimal::toPlainString)
                .containsExactly("0", "2", "4", "6");
        assertThat(DailySpendChart.ticks(new BigDecimal("1234"))).extracting(BigDecimal::toPlainString)
                .containsExactly("0", "500", "1000", "1500");
        assertThat(DailySpendChart.ticks(new BigDecimal("10"))).extracting(BigDecimal::toPlainString)
                .containsExactly("0", "2.5", "5.0", "7.5", "10.0");
        assertThat(DailySpendChart.ticks(BigDecimal.ZERO)).hasSize(5);
        assertThat(DailySpendChart.axisLabel(new BigDecimal("1500"))).isEqualTo("$1,500");
        assertThat(DailySpendChart.axisLabel(new BigDecimal("2.5"))).isEqualTo("$2.50");
        assertThat(DailySpendChart.axisLabel(new BigDecimal("0.05"))).isEqualTo("$0.05");
    }

    @Test
    void displayEscaping() {
        assertThat(Display.value("a\nb\u0000c\u202Ed", 60, "-")).isEqualTo("a\\nb\\u0000c\\u202Ed");
        assertThat(Display.value("", 60, "(none)")).isEqualTo("(none)");
        assertThat(Display.value("abcdef", 3, "")).isEqualTo("abc…");
        assertThat(Display.value("😀😀😀", 2, "")).isEqualTo("😀😀…");
        assertThat(Display.html("<a href=\"x\">'&'</a>")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assertThat(Display.markdown("a|b*c_d`e\\f[g]")).isEqualTo("a\\|b\\*c\\_d\\`e\\\\f\\[g\\]");
        assertThat(Display.markdown("<img src=x>")).isEqualTo("&lt;img src=x&gt;");
    }

    @Test
    void tableNamesMustBeIdentifiers() {
        assertThat(CostTable.of("costpipe").qualifiedName()).isEqualTo("costpipe.request_costs");
        for (String bad : List.of("a.b", "x; DROP TABLE y", "`x`", "", "1abc", "a b", "a'b")) {
            assertThatThrownBy(() -> CostTable.of(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void formatNames() {
        assertThat(ReportFormat.parse("md")).isEqualTo(ReportFormat.MARKDOWN);
        assertThat(ReportFormat.parse("HTML")).isEqualTo(ReportFormat.HTML);
        assertThatThrownBy(() -> ReportFormat.parse("pdf")).hasMessageContaining("text, markdown, json or html");
    }
}
