package dev.costpipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code costpipe ingest}'s refusals at start (its serving is tested in the ingest module). */
class IngestCommandTest {

  @Test
  void aNonLoopbackListenAddressWithoutTokensIsRefused() {
    CommandRun run = CommandRun.of("ingest", "--bootstrap-server", "127.0.0.1:9", "--listen", "0.0.0.0:0");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("refusing to listen on 0.0.0.0 without bearer tokens");
  }

  @Test
  void aMalformedListenAddressIsAUsageError() {
    CommandRun run = CommandRun.of("ingest", "--bootstrap-server", "127.0.0.1:9", "--listen", "4318");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("HOST:PORT expected");
  }
}
