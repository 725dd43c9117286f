package dev.costpipe.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.json.Json;
import dev.costpipe.devtools.generate.GeneratedEvent;
import dev.costpipe.devtools.generate.GeneratorSettings;
import dev.costpipe.devtools.generate.TrafficGenerator;
import dev.costpipe.testsupport.KafkaTestBroker;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code costpipe generate} to a real broker and to a file. */
class GenerateCommandTest {
  private static final Instant START = Instant.parse("2026-06-01T10:00:00Z");

  @TempDir
  Path dir;

  @Test
  void producesEveryEventOfEveryRequestKeyedByRequestIdInOrder() throws Exception {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    broker.createTopic("generate-test.raw-events", 3, Map.of());
    CommandRun run = CommandRun.of("generate", "--bootstrap-server", broker.bootstrapServers(), "--topic",
        "generate-test.raw-events", "--count", "400", "--rate", "0", "--seed", "11", "--start", START.toString());
    assertThat(run.exit()).as(run.err()).isZero();

    List<GeneratedEvent> expected = events(11, 400);
    List<ConsumerRecord<String, String>> records = broker.readAll("generate-test.raw-events", Duration.ofSeconds(60));
    assertThat(records).hasSize(expected.size());
    assertThat(run.err()).contains("400 requests").contains(expected.size() + " events")
        .contains(expected.size() + " acknowledged, 0 failed");
    // within a partition (one key's partition), a request's events keep the producer's order
    Map<String, List<String>> byKey = new LinkedHashMap<>();
    records.forEach(r -> byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
    Map<String, List<String>> expectedByKey = new LinkedHashMap<>();
    expected.forEach(e -> expectedByKey.computeIfAbsent(e.requestId(), k -> new ArrayList<>()).add(new String(e.value())));
    assertThat(byKey).isEqualTo(expectedByKey);
    for (ConsumerRecord<String, String> r : records) {
      if (r.value().startsWith("{\"request_id\"") && r.value().endsWith("}")) {
        assertThat(Json.MAPPER.readTree(r.value()).path("request_id").asText()).isEqualTo(r.key());
      }
    }
  }

  @Test
  void theSameSeedAndStartWriteTheSameBytes() throws Exception {
    Path a = dir.resolve("a.jsonl");
    Path b = dir.resolve("b.jsonl");
    for (Path p : List.of(a, b)) {
      CommandRun run = CommandRun.of("generate", "--output", p.toString(), "--count", "250", "--rate", "0", "--seed", "5",
          "--start", START.toString());
      assertThat(run.exit()).as(run.err()).isZero();
    }
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (GeneratedEvent e : events(5, 250)) {
      expected.write(e.value());
      expected.write('\n');
    }
    assertThat(Files.readAllBytes(a)).isEqualTo(expected.toByteArray());
  }

  @Test
  void pacesToTheRateOfRequestsForTheDuration() {
    CommandRun run = CommandRun.of("generate", "--output", dir.resolve("paced.jsonl").toString(), "--rate", "40",
        "--duration", "2s");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).containsPattern("done in \\d+\\.\\d s: 80 requests");
  }

  @Test
  void refusesAMissingTopicAndMissingLimitsClearly() {
    CommandRun missing = CommandRun.of("generate", "--bootstrap-server", KafkaTestBroker.shared().bootstrapServers(),
        "--topic", "no-such-topic", "--count", "1");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("topic no-such-topic does not exist").contains("costpipe run");

    CommandRun unlimited = CommandRun.of("generate", "--output", "-");
    assertThat(unlimited.exit()).isEqualTo(2);
    assertThat(unlimited.err()).contains("--duration D and/or --count N");

    CommandRun nowhere = CommandRun.of("generate", "--count", "1");
    assertThat(nowhere.exit()).isEqualTo(2);
    assertThat(nowhere.err()).contains("--bootstrap-server");
  }

  // what the generate command sends with --rate 0 --start: one request per millisecond from START
  private static List<GeneratedEvent> events(long seed, int requests) {
    TrafficGenerator generator = new TrafficGenerator(GeneratorSettings.defaults(seed));
    List<GeneratedEvent> out = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      out.addAll(generator.nextRequest(START.plusMillis(i)));
    }
    return out;
  }
}
