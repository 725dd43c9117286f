package dev.costpipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.testsupport.ServerProcesses;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command's errors as the person running it sees them: the documented exit code (2 bad input or usage,
 * 1 the run failed) and one line on standard error naming the file, host or port, without stack frames or
 * exception class names unless {@code --verbose}. No real servers: nothing listens on {@link #unused}, and
 * {@link #busy} is held by this test.
 */
class CommandErrorsTest {
  // the long-running commands log as they start, and Kafka's client warns of each failed connection while it
  // waits: log lines, not the command's report of its error
  private static final Pattern LOG_LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\S+ \\[[^]]+] (INFO|WARN) ");

  private static int unused;
  private static ServerSocket busy;

  @TempDir
  Path dir;

  @BeforeAll
  static void ports() throws IOException {
    unused = ServerProcesses.freePorts(1)[0];
    busy = new ServerSocket(0);
  }

  @AfterAll
  static void release() throws IOException {
    busy.close();
  }

  /** The run's one error line, after checking the exit code and that it is the only line besides logging. */
  private static String oneLine(CommandRun run, int exit) {
    assertThat(run.exit()).as(run.err()).isEqualTo(exit);
    List<String> lines = run.err().lines().filter(l -> !LOG_LINE.matcher(l).find()).toList();
    assertThat(lines).as(run.err()).hasSize(1);
    assertThat(run.err()).as("no stack trace").doesNotContain("Exception").doesNotContainPattern("(?m)^\\s+at ");
    return lines.get(0);
  }

  private Path missing(String name) {
    return dir.resolve(name);
  }

  private Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  /** Kafka settings that give up on an unreachable broker after 1.5 s instead of 60. */
  private Path shortKafkaTimeouts() throws IOException {
    return file("short.properties", "default.api.timeout.ms=1500\nrequest.timeout.ms=1000\n");
  }

  private String kafka() {
    return "127.0.0.1:" + unused;
  }

  private String clickHouse() {
    return "http://127.0.0.1:" + unused;
  }

  // --- missing files: exit 2, the option and the path named

  @Test
  void costNamesAMissingInputOrPricesFileOrAnUnwritableOutput() throws IOException {
    Path events = file("events.jsonl", "");
    assertThat(oneLine(CommandRun.of("cost", "--input", missing("in.jsonl").toString()), 2))
        .startsWith("costpipe cost: --input " + missing("in.jsonl") + ": no such file or directory");
    for (String format : new String[] {"costpipe", "litellm", "genai-prices"}) {
      assertThat(oneLine(CommandRun.of("cost", "--prices", missing("p").toString(), "--prices-format", format,
          "--input", events.toString()), 2)).startsWith("costpipe cost: --prices " + missing("p") + ": no such file");
    }
    Path output = dir.resolve("no/such/dir/out.jsonl");
    assertThat(oneLine(CommandRun.of("cost", "--input", events.toString(), "--output", output.toString()), 2))
        .startsWith("costpipe cost: --output " + output + ": cannot write it");
  }

  @Test
  void aRelativePathIsShownWithTheDirectoryItIsRelativeTo() {
    assertThat(oneLine(CommandRun.of("cost", "--input", "no-such-events.jsonl"), 2))
        .contains("--input no-such-events.jsonl: no such file or directory (relative to "
            + Path.of("").toAbsolutePath() + ")");
  }

  @Test
  void pricingCommandsNameAMissingPricesFile() {
    String p = missing("prices").toString();
    assertThat(oneLine(CommandRun.of("pricing", "load", "--prices", p, "--bootstrap-server", kafka()), 2))
        .startsWith("costpipe pricing load: --prices " + p + ": no such file or directory");
    assertThat(oneLine(CommandRun.of("pricing", "export", "--prices", p), 2))
        .startsWith("costpipe pricing export: --prices " + p + ": no such file or directory");
    assertThat(oneLine(CommandRun.of("pricing", "cheapest", "gpt-4o", "--prices", p), 2))
        .startsWith("costpipe pricing cheapest: --prices " + p + ": no such file or directory");
    assertThat(oneLine(CommandRun.of("reprice", "--from", "2026-01-01", "--to", "2026-01-02", "--prices", p,
        "--clickhouse-url", clickHouse()), 2)).startsWith("costpipe reprice: --prices " + p + ": no such file");
  }

  @Test
  void everyConfigOptionNamesAMissingFile() {
    String c = missing("config").toString();
    for (String component : new String[] {"run", "sink", "notify"}) {
      assertThat(oneLine(CommandRun.of("config", "check", "--component", component, "--config", c), 2))
          .isEqualTo("costpipe config check: --config " + c + ": no such file or directory: check the path");
    }
    assertThat(oneLine(CommandRun.of("notify", "--config", c), 2)).startsWith("costpipe notify: --config " + c);
    assertThat(oneLine(CommandRun.of("run", "--config", c), 2)).startsWith("costpipe run: --config " + c);
    assertThat(oneLine(CommandRun.of("sink", "clickhouse", "--config", c), 2))
        .startsWith("costpipe sink clickhouse: --config " + c);
    assertThat(oneLine(CommandRun.of("query", "--config", c), 2)).startsWith("costpipe query: --config " + c);
    assertThat(oneLine(CommandRun.of("report", "weekly", "--config", c), 2))
        .startsWith("costpipe report weekly: --config " + c);
    assertThat(oneLine(CommandRun.of("alerts", "list", "--config", c), 2))
        .startsWith("costpipe alerts list: --config " + c);
    assertThat(oneLine(CommandRun.of("generate", "--count", "1", "--config", c), 2))
        .startsWith("costpipe generate: --config " + c);
  }

  @Test
  void otherInputFilesAreNamedToo() {
    String f = missing("file").toString();
    assertThat(oneLine(CommandRun.of("query", "--password-file", f, "--clickhouse-url", clickHouse()), 2))
        .startsWith("costpipe query: --password-file " + f + ": no such file or directory");
    assertThat(oneLine(CommandRun.of("report", "weekly", "--send", "slack", "--notify-config", f), 2))
        .startsWith("costpipe report weekly: --notify-config " + f + ": no such file or directory");
    assertThat(oneLine(CommandRun.of("alerts", "put", f, "--bootstrap-server", kafka()), 2))
        .startsWith("costpipe alerts put: rule file " + f + ": no such file or directory");
  }

  // --- unreachable servers: exit 1, the server's address named

  @Test
  void clickHouseCommandsNameTheClickHouseTheyCannotReach() {
    String reach = "cannot reach ClickHouse at " + clickHouse() + " (Connection refused): start it, or point"
        + " --clickhouse-url or costpipe.sink.clickhouse.url at it";
    assertThat(oneLine(CommandRun.of("query", "--clickhouse-url", clickHouse()), 1))
        .isEqualTo("costpipe query: " + reach);
    assertThat(oneLine(CommandRun.of("report", "weekly", "--clickhouse-url", clickHouse()), 1))
        .isEqualTo("costpipe report weekly: " + reach);
    assertThat(oneLine(CommandRun.of("reprice", "--from", "2026-01-01", "--to", "2026-01-02", "--dry-run",
        "--clickhouse-url", clickHouse()), 1)).isEqualTo("costpipe reprice: " + reach);
  }

  @Test
  void kafkaCommandsNameTheKafkaThatDidNotAnswer() throws IOException {
    String config = shortKafkaTimeouts().toString();
    String notAnswering = "Kafka at " + kafka() + " did not answer in time";
    assertThat(oneLine(CommandRun.of("alerts", "list", "--bootstrap-server", kafka(), "--config", config), 1))
        .startsWith("costpipe alerts list: " + notAnswering).endsWith("point --bootstrap-server or bootstrap.servers at it");
    assertThat(oneLine(CommandRun.of("alerts", "delete", "r1", "--bootstrap-server", kafka(), "--config", config), 1))
        .startsWith("costpipe alerts delete: " + notAnswering);
    assertThat(oneLine(CommandRun.of("pricing", "load", "--bootstrap-server", kafka(), "--config", config), 1))
        .startsWith("costpipe pricing load: " + notAnswering);
    assertThat(oneLine(CommandRun.of("pricing", "lookup", "gpt-4o", "--bootstrap-server", kafka(), "--config",
        config), 1)).startsWith("costpipe pricing lookup: " + notAnswering);
    assertThat(oneLine(CommandRun.of("generate", "--count", "1", "--bootstrap-server", kafka(), "--config", config), 1))
        .startsWith("costpipe generate: cannot reach Kafka at " + kafka() + " within 1500 ms");
  }

  // --- ports in use: exit 1, the port named

  @Test
  void theLongRunningCommandsNameTheirMetricsPortInUse() throws IOException {
    int port = busy.getLocalPort();
    String inUse = "cannot serve metrics on port " + port;
    Path properties = file("metrics.properties", "costpipe.metrics.port=" + port + "\n");
    assertThat(oneLine(CommandRun.of("run", "--config", properties.toString(), "--bootstrap-server", kafka()), 1))
        .startsWith("costpipe run: " + inUse).endsWith("set costpipe.metrics.port to a free port, 0 for any, -1 for none");
    assertThat(oneLine(CommandRun.of("sink", "clickhouse", "--config", properties.toString(), "--bootstrap-server",
        kafka(), "--clickhouse-url", clickHouse()), 1)).startsWith("costpipe sink clickhouse: " + inUse);
    Path notifier = file("notifier.yml", "bootstrap_servers: " + kafka() + "\nchannels: {}\nmetrics: {port: " + port
        + "}\n");
    assertThat(oneLine(CommandRun.of("notify", "--config", notifier.toString()), 1))
        .startsWith("costpipe notify: " + inUse);
  }

  @Test
  void theWebhookReceiverNamesItsPortInUse() {
    // any variable that is set will do as the secret
    assertThat(oneLine(CommandRun.of("local", "webhook-receiver", "--port", String.valueOf(busy.getLocalPort()),
        "--secret-env", "PATH", "--output", dir.resolve("alerts.jsonl").toString()), 1))
        .isEqualTo("costpipe local webhook-receiver: port " + busy.getLocalPort()
            + " on 127.0.0.1 is in use: choose another with --port");
  }

  // --- usage: exit 2, picocli's message on one line

  @Test
  void aWrongFlagOrValueIsOneLinePointingAtTheHelp() {
    assertThat(oneLine(CommandRun.of("cost", "--pricez", "p.yml"), 2))
        .isEqualTo("costpipe cost: Unknown options: '--pricez', 'p.yml'; did you mean --prices or --prices-format?"
            + " (see 'costpipe cost --help')");
    assertThat(oneLine(CommandRun.of("reprice", "--from", "2026-13-01", "--to", "2026-01-02"), 2))
        .startsWith("costpipe reprice: Invalid value for option '--from': cannot convert '2026-13-01' to LocalDate:")
        .endsWith("(see 'costpipe reprice --help')");
    assertThat(oneLine(CommandRun.of("reprice", "--to", "2026-01-02"), 2))
        .isEqualTo("costpipe reprice: Missing required option: '--from=DATE' (see 'costpipe reprice --help')");
  }

  @Test
  void verboseAddsTheStackTraceWhereverItIsGiven() {
    for (String[] args : List.of(new String[] {"--verbose", "cost", "--input", missing("x").toString()},
        new String[] {"cost", "--input", missing("x").toString(), "--verbose"})) {
      CommandRun run = CommandRun.of(args);
      assertThat(run.exit()).isEqualTo(2);
      assertThat(run.err().lines().findFirst()).hasValueSatisfying(l -> assertThat(l).startsWith("costpipe cost: --input"));
      assertThat(run.err()).contains("UserInputException").containsPattern("(?m)^\\s+at dev\\.costpipe\\.");
    }
  }
}
