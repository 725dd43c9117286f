package dev.costpipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code costpipe pricing sync} against a local HTTP server serving excerpts in the shape of LiteLLM's and
 * genai-prices' files (test resources sync/*.json) and altered copies, and the pricing topic of a real broker.
 */
class PricingSyncCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KafkaTestBroker broker = KafkaTestBroker.shared();

  /** What the server answers on a path: status, body and a delay before answering. */
  private record Answer(int status, String body, long delayMillis) {}

  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private HttpServer server;
  private ExecutorService threads;

  @TempDir
  Path dir;

  @BeforeEach
  void serve() throws IOException {
    threads = Executors.newCachedThreadPool();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      Answer a = answers.getOrDefault(path, new Answer(404, "not found", 0));
      try {
        Thread.sleep(a.delayMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
      try {
        exchange.sendResponseHeaders(a.status(), body.length);
        exchange.getResponseBody().write(body);
      } catch (IOException e) {
        // the client gave up waiting (the slow server case)
      }
      exchange.close();
    });
    server.setExecutor(threads);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    threads.shutdownNow();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = PricingSyncCommandTest.class.getResourceAsStream("/sync/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private CommandRun sync(String prefix, String... more) throws Exception {
    String[] base = {"pricing", "sync", "--litellm-url", url("/litellm.json"), "--genai-prices-url", url("/genai.json"),
        "--config", KafkaCommandsTest.config(dir, prefix).toString(), "--bootstrap-server", broker.bootstrapServers()};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return CommandRun.of(all);
  }

  private CommandRun lookup(String prefix, String model, String provider, String at) throws Exception {
    return CommandRun.of("pricing", "lookup", model, "--provider", provider, "--at", at,
        "--config", KafkaCommandsTest.config(dir, prefix).toString(), "--bootstrap-server", broker.bootstrapServers());
  }

  @Test
  void publishesTheChangesOnlyAndHoldsBackLargeMovesAndVanishedModels() throws Exception {
    String prefix = "sync-changes";
    answers.put("/litellm.json", new Answer(200, resource("litellm.json"), 0));
    answers.put("/genai.json", new Answer(200, resource("genai-prices.json"), 0));

    CommandRun first = sync(prefix);
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out().lines()).hasSize(4).allMatch(l -> l.startsWith("added "));
    assertThat(first.out()).contains("added      openai/gpt-4o-mini  openai  input 0.00000015 output 0.0000006");
    assertThat(first.err()).contains("4 added, 0 changed, 0 held back, 0 vanished; 4 entries to publish; published 4");

    CommandRun again = sync(prefix);
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).isEmpty();
    assertThat(again.err()).contains("0 added, 0 changed, 0 held back, 0 vanished; 0 entries to publish");

    // LiteLLM: gpt-4o-mini's input cut by 10%, gpt-4o gone, a new model; genai-prices: claude-2's output cut by 60%
    ObjectNode lite = (ObjectNode) JSON.readTree(resource("litellm.json"));
    ((ObjectNode) lite.get("gpt-4o-mini")).put("input_cost_per_token", 1.35e-07);
    lite.remove("gpt-4o");
    lite.set("gpt-4.1-nano", JSON.readTree("{\"input_cost_per_token\": 1e-07, \"output_cost_per_token\": 4e-07,"
        + " \"litellm_provider\": \"openai\", \"mode\": \"chat\"}"));
    ArrayNode genai = (ArrayNode) JSON.readTree(resource("genai-prices.json"));
    ((ObjectNode) genai.get(0).get("models").get(1).get("prices")).put("output_mtok", 9.6);
    answers.put("/litellm.json", new Answer(200, lite.toString(), 0));
    answers.put("/genai.json", new Answer(200, genai.toString(), 0));

    CommandRun changed = sync(prefix);
    assertThat(changed.exit()).as(changed.err()).isZero();
    assertThat(changed.out()).contains("added      openai/gpt-4.1-nano  openai  input 0.0000001 output 0.0000004")
        .containsPattern("changed    openai/gpt-4o-mini  openai  input 0.00000015 → 0.000000135 \\(-10%\\) from \\S+Z\n")
        .containsPattern("held back  anthropic/claude-2  anthropic  output 0.000024 → 0.0000096 \\(-60%\\) from \\S+Z: "
            + "output moves -60%, more than 50% \\(--accept anthropic/claude-2 to publish\\)")
        .contains("vanished   openai/gpt-4o  openai  no longer upstream: held back, its prices stay");
    assertThat(changed.err()).contains("1 added, 1 changed, 1 held back, 1 vanished; 2 entries to publish");

    // the cut is a new period: the old price stays in force before it
    CommandRun before = lookup(prefix, "gpt-4o-mini", "openai", "2026-01-01");
    assertThat(before.out()).containsPattern("input +0\\.00000015 ");
    CommandRun now = lookup(prefix, "gpt-4o-mini", "openai", "2099-01-01");
    assertThat(now.out()).containsPattern("input +0\\.000000135 ");
    CommandRun kept = lookup(prefix, "gpt-4o", "openai", "2099-01-01");
    assertThat(kept.exit()).as(kept.err()).isZero();

    CommandRun accepted = sync(prefix, "--accept", "anthropic/claude-2");
    assertThat(accepted.exit()).as(accepted.err()).isZero();
    assertThat(accepted.out()).contains("changed    anthropic/claude-2").contains("(accepted: output moves -60%");
    assertThat(lookup(prefix, "claude-2", "anthropic", "2099-01-01").out()).containsPattern("output +0\\.0000096 ");
    assertThat(lookup(prefix, "claude-2", "anthropic", "2026-01-01").out()).containsPattern("output +0\\.000024 ");
  }

  @Test
  void aBrokenUpstreamFailsInOneLineAndPublishesNothing() throws Exception {
    String prefix = "sync-broken";
    answers.put("/litellm.json", new Answer(200, resource("litellm.json"), 0));
    answers.put("/genai.json", new Answer(200, resource("genai-prices.json").substring(0, 200), 0));
    CommandRun broken = sync(prefix);
    assertThat(broken.exit()).isEqualTo(1);
    assertThat(broken.err().strip()).startsWith("costpipe pricing sync: " + url("/genai.json")
        + " is not a whole JSON document (").endsWith("): nothing published").doesNotContain("\n");

    answers.put("/genai.json", new Answer(500, "upstream down", 0));
    CommandRun down = sync(prefix);
    assertThat(down.exit()).isEqualTo(1);
    assertThat(down.err().strip()).isEqualTo("costpipe pricing sync: " + url("/genai.json")
        + " answered HTTP 500: nothing published");

    answers.put("/genai.json", new Answer(200, resource("genai-prices.json"), 3_000));
    CommandRun slow = sync(prefix, "--timeout", "500ms");
    assertThat(slow.exit()).isEqualTo(1);
    assertThat(slow.err().strip()).startsWith("costpipe pricing sync: " + url("/genai.json") + " did not answer within");

    // LiteLLM fetched fine each time, yet nothing reached the topic
    CommandRun none = lookup(prefix, "gpt-4o-mini", "openai", "2099-01-01");
    assertThat(none.exit()).isNotZero();
  }

  @Test
  void oneUpstreamFromAFileUrlAndBadFlagsAreBadInput() throws Exception {
    String prefix = "sync-file";
    Path file = dir.resolve("litellm.json");
    java.nio.file.Files.writeString(file, resource("litellm.json"));
    CommandRun fromFile = CommandRun.of("pricing", "sync", "--from", "litellm", "--litellm-url", file.toUri().toString(),
        "--config", KafkaCommandsTest.config(dir, prefix).toString(), "--bootstrap-server", broker.bootstrapServers());
    assertThat(fromFile.exit()).as(fromFile.err()).isZero();
    assertThat(fromFile.err()).contains("2 added, 0 changed");

    assertThat(sync(prefix, "--max-change", "lots").err()).contains("--max-change lots: give a share like 50% or 0.5");
    assertThat(sync(prefix, "--max-change", "lots").exit()).isEqualTo(2);
    CommandRun ftp = CommandRun.of("pricing", "sync", "--litellm-url", "ftp://example.com/x.json",
        "--config", KafkaCommandsTest.config(dir, prefix).toString(), "--bootstrap-server", broker.bootstrapServers());
    assertThat(ftp.exit()).isEqualTo(2);
    assertThat(ftp.err()).contains("give an https://, http:// or file: URL");
    assertThat(sync(prefix, "--every", "soon").exit()).isEqualTo(2);
  }

  @Test
  void aCuratedEntryIsNeitherDuplicatedNorOverwritten() throws Exception {
    String prefix = "sync-curated";
    CommandRun load = CommandRun.of("pricing", "load", "--prices", "src/test/resources/sync/curated",
        "--config", KafkaCommandsTest.config(dir, prefix).toString(), "--bootstrap-server", broker.bootstrapServers());
    assertThat(load.exit()).as(load.err()).isZero();
    answers.put("/litellm.json", new Answer(200, resource("litellm.json"), 0));
    answers.put("/genai.json", new Answer(200, resource("genai-prices.json"), 0));

    CommandRun sync = sync(prefix, "--accept-all");
    assertThat(sync.exit()).as(sync.err()).isZero();
    assertThat(sync.out()).doesNotContain("gpt-4o-mini").contains("added      openai/gpt-4o  openai");
    assertThat(lookup(prefix, "gpt-4o-mini", "openai", "2099-01-01").out()).containsPattern("input +0\\.0000002 ");
  }

  @Test
  void everyDurationSyncsAgainAndAFailedRunIsRetriedAtTheNext() throws Exception {
    answers.put("/litellm.json", new Answer(200, resource("litellm.json"), 0));
    answers.put("/genai.json", new Answer(500, "upstream down", 0));
    AtomicReference<CommandRun> run = new AtomicReference<>();
    Thread syncing = new Thread(() -> {
      try {
        run.set(sync("sync-every", "--every", "1s"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    syncing.start();
    awaitRequests("/genai.json", 1);
    answers.put("/genai.json", new Answer(200, resource("genai-prices.json"), 0));
    awaitRequests("/genai.json", 4); // a fourth run began: the third (nothing to change) has reported
    syncing.interrupt();
    syncing.join(30_000);

    String err = run.get().err();
    assertThat(err).contains("costpipe pricing sync: " + url("/genai.json")
        + " answered HTTP 500: nothing published; next run in 1s")
        .contains("4 added, 0 changed, 0 held back, 0 vanished; 4 entries to publish; published 4")
        .contains("0 added, 0 changed, 0 held back, 0 vanished; 0 entries to publish");
  }

  private void awaitRequests(String path, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (requests.getOrDefault(path, new AtomicInteger()).get() < n) {
      assertThat(System.nanoTime()).as("requests to " + path).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
