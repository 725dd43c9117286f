package dev.costpipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code costpipe config check} and the refusal of the long-running commands to start on an invalid config. */
class ConfigCommandTest {
  @TempDir
  Path dir;

  private static CommandRun run(String... args) {
    return CommandRun.of(args);
  }

  @Test
  void theExampleConfigsOfRunAndSinkAreValid() {
    CommandRun r = run("config", "check", "--component", "run", "--config", "../deploy/config/run.properties");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).startsWith("run configuration is valid; effective settings:")
        .containsPattern("costpipe.merge.punctuate-interval +\\= 10s  \\(default\\)")
        .containsPattern("bootstrap.servers +\\= localhost:9092  \\(file \\.\\./deploy/config/run.properties\\)")
        .containsPattern("costpipe.aggregate.windows +\\= 1h,1d  \\(file ");
  }

  @Test
  void theDocsAreTheDeclarationsTable() {
    CommandRun r = run("config", "docs");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("# costpipe settings")
        .contains("| `costpipe.merge.inactivity-timeout` | duration | `10m` | run |  |"
            + " `COSTPIPE_MERGE_INACTIVITY__TIMEOUT` |");
  }

  @Test
  void anInvalidConfigExitsWith2AndNamesEveryProblemWithoutPrintingSecrets() throws Exception {
    Path f = Files.writeString(dir.resolve("sink.properties"), String.join("\n",
        "bootstrap.servers=k:9092", "costpipe.sink.clickhouse.pasword=hunter2", "sasl.jaas.config=secret-jaas",
        "costpipe.sink.clickhouse.batch-rows=lots"));
    CommandRun r = run("config", "check", "--component", "sink", "--config", f.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).contains(
        "error: costpipe.sink.clickhouse.pasword: unknown setting; did you mean costpipe.sink.clickhouse.password?",
        "error: costpipe.sink.clickhouse.batch-rows: must be an integer, got 'lots'",
        "sink configuration is INVALID (2 errors)").doesNotContain("secret-jaas", "hunter2");
  }

  @Test
  void credentialsInUrlsAreNeverPrinted() throws Exception {
    Path f = Files.writeString(dir.resolve("sink.properties"), String.join("\n",
        "bootstrap.servers=k:9092", "costpipe.sink.clickhouse.url=http://default:ch-hunter2@clickhouse:8123",
        "schema.registry.url=https://reader:sr-hunter2@registry:8081"));
    CommandRun r = run("config", "check", "--component", "sink", "--config", f.toString());
    assertThat(r.out()).doesNotContain("ch-hunter2", "sr-hunter2")
        .contains("http://****@clickhouse:8123");
  }

  @Test
  void theNotifierConfigIsCheckedToo() throws Exception {
    Path f = Files.writeString(dir.resolve("notifier.yml"), "bootstrap_servers: k:9092\nchanels: {}\n");
    CommandRun r = run("config", "check", "--component", "notify", "--config", f.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).contains("unknown key 'chanels'");
    assertThat(run("config", "check", "--component", "nope").exit()).isEqualTo(2);
  }

  @Test
  void theLongRunningCommandsRefuseAnInvalidConfig() throws Exception {
    Path f = Files.writeString(dir.resolve("bad.properties"), "costpipe.merge.inactivity-timeout=never\n");
    CommandRun run = run("run", "--config", f.toString(), "--bootstrap-server", "k:9092");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("costpipe run: costpipe.merge.inactivity-timeout: not a duration: 'never'");
    CommandRun sink = run("sink", "clickhouse", "--config", f.toString());
    assertThat(sink.exit()).isEqualTo(2);
    assertThat(sink.err()).contains("costpipe sink clickhouse: bootstrap.servers: required");
  }
}
