package dev.costpipe.clickhouse.sink;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.costpipe.engine.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The sink's CPU per cost record for reading it (most of the sink's CPU per row), against the floor of any reader
 * built on Jackson: only walking the record's tokens, as {@link CostRecordStream} must at least. A mix of records as
 * the topology writes them (~1 KB each: a dozen models, users, sessions with names and paths, one to three
 * properties, cached, unknown-model and rate-limited requests). Run with {@code clickhouse/jmh.sh}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class CostRecordReadBenchmark {
  private static final String[][] MODELS = {{"openai", "gpt-4o"}, {"openai", "o3"},
      {"anthropic", "claude-sonnet-4-5"}, {"anthropic", "claude-haiku-4-5"}, {"google", "gemini-2.5-pro"},
      {"google", "gemini-2.5-flash"}, {"mistral", "mistral-large-latest"}, {"deepseek", "deepseek-chat"}};
  private static final int RECORDS = 1_024;

  private byte[][] records;
  private int i;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    Instant start = Instant.parse("2026-11-01T00:00:00Z");
    records = new byte[RECORDS][];
    for (int n = 0; n < RECORDS; n++) {
      String[] model = MODELS[random.nextInt(MODELS.length)];
      int session = random.nextInt(1_000);
      long input = 200 + random.nextInt(8_000);
      long output = 20 + random.nextInt(1_500);
      TestRecords.Builder b = TestRecords.cost(String.format("req-%08d", n)).at(start.plusMillis(n * 377L))
          .model(model[0], model[1], model[0] + "/" + model[1]).user("user-" + random.nextInt(200))
          .session("session-" + session, "session " + session, "/step/" + random.nextInt(8))
          .property("Environment", random.nextBoolean() ? "production" : "staging")
          .usage(input, output, random.nextInt(3) == 0 ? random.nextInt((int) input) : 0)
          .cost(input * 2_500L + output * 10_000L);
      if (random.nextBoolean()) {
        b.property("Team", "team-" + random.nextInt(20));
      }
      if (random.nextInt(50) == 0) {
        b.unknownModel();
      }
      if (random.nextBoolean()) {
        b.streamed();
      }
      records[n] = b.json().getBytes(StandardCharsets.UTF_8);
      if (CostRecordStream.row(records[n], 1L) == null) {
        throw new IllegalStateException("not a plain valid record: " + b.json());
      }
    }
  }

  /** Jackson's parser over the record's tokens and nothing else: the floor of a Jackson-based reader. */
  @Benchmark
  public long jacksonTokensOnly() throws IOException {
    long seen = 0;
    try (JsonParser p = Json.MAPPER.getFactory().createParser(next())) {
      for (JsonToken t; (t = p.nextToken()) != null; ) {
        seen += t.id();
      }
    }
    return seen;
  }

  /** What the sink does with each record before encoding it: its row's values, checked. */
  @Benchmark
  public Object[] costRecordRow() {
    return CostRecordStream.row(next(), 1L);
  }

  private byte[] next() {
    byte[] r = records[i];
    i = (i + 1) % RECORDS;
    return r;
  }
}
