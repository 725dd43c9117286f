package dev.costpipe.engine.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.event.RawEvent;
import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.engine.json.Json;
import dev.costpipe.engine.merge.PartialRequest;
import dev.costpipe.engine.record.CostRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
 * (b) Full extraction and pricing from the raw bytes of a non-streamed call's event (request and
 * response bodies of OpenAI, Anthropic, Gemini and Bedrock): parse and validate the envelope, merge,
 * identify provider and model, extract usage, resolve the price and build the cost record.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class ExtractionAndPricingBenchmark {
  private CostEngine engine;
  private byte[][] events;
  private int i;

  @Setup
  public void setUp() throws IOException {
    engine = CostEngine.builtIn();
    try (InputStream in = getClass().getResourceAsStream("/bench/raw-events.jsonl")) {
      events = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank()).map(l -> l.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }
    for (byte[] e : events) {
      CostRecord r = price(e);
      if (r.costNanoUsd() == null) {
        throw new IllegalStateException("benchmark event not priced: " + r);
      }
    }
  }

  @Benchmark
  public CostRecord extractAndPrice() {
    return price(events[i++ % events.length]);
  }

  /** The floor, measured in the same run: only parsing the same bytes into a Jackson tree. */
  @Benchmark
  public JsonNode jsonParseBaseline() throws IOException {
    return Json.MAPPER.readTree(events[i++ % events.length]);
  }

  private CostRecord price(byte[] bytes) {
    RawEvent e = RawEventParser.parse(bytes);
    engine.validate(e);
    PartialRequest p = new PartialRequest(e.requestId());
    p.add(e);
    return engine.price(p.toMerged(), Instant.EPOCH);
  }
}
