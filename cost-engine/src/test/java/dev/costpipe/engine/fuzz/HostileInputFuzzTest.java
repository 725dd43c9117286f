package dev.costpipe.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.event.BadEventException;
import dev.costpipe.engine.event.RawEvent;
import dev.costpipe.engine.event.RawEventParser;
import dev.costpipe.engine.merge.RequestMerger;
import dev.costpipe.engine.record.CostRecordJson;
import dev.costpipe.engine.usage.SseParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A seeded random-input property test with a fixed number of cases (so what CI covers does not depend on
 * how busy the machine is; 25,000 take about 8 s on 2 cores): mutated real events (bytes flipped, cut,
 * repeated, spliced, numbers made absurd, nesting made deep) and mutated SSE text through parse,
 * validate, merge and price. Whatever comes in, the engine either prices it or refuses it with a
 * {@link BadEventException} — never another exception, never a negative or overflowing cost.
 */
class HostileInputFuzzTest {
  private static final int CASES = Integer.getInteger("costpipe.fuzz.cases", 25_000);
  private static final int SSE_CASES = 20_000;
  private static final long SEED = Long.getLong("costpipe.fuzz.seed", 20261123);

  @Test
  void noInputBreaksTheEngine() throws IOException {
    List<String> seeds = seeds();
    CostEngine engine = CostEngine.builtIn();
    Random random = new Random(SEED);
    long start = System.nanoTime();
    int refused = 0;
    for (int cases = 1; cases <= CASES; cases++) {
      byte[] input = mutate(seeds.get(random.nextInt(seeds.size())).getBytes(StandardCharsets.UTF_8), random);
      try {
        RawEvent e = RawEventParser.parse(input);
        engine.validate(e);
        RequestMerger merger = new RequestMerger();
        merger.accept(e);
        for (var m : merger.flushIncomplete()) {
          var r = engine.price(m, java.time.Instant.EPOCH);
          if (r.costNanoUsd() != null) {
            assertThat(r.costNanoUsd()).as("cost of %s", new String(input, StandardCharsets.UTF_8))
                .isNotNegative();
          }
          CostRecordJson.read(CostRecordJson.write(r));
        }
      } catch (BadEventException expected) {
        refused++;
      } catch (RuntimeException | StackOverflowError unexpected) {
        throw new AssertionError("seed " + SEED + ", case " + cases + ": "
            + new String(input, 0, Math.min(input.length, 300), StandardCharsets.UTF_8), unexpected);
      }
    }
    System.out.printf("fuzz: %d cases in %d ms, %d refused as bad input (seed %d)%n", CASES,
        (System.nanoTime() - start) / 1_000_000, refused, SEED);
  }

  @Test
  void sseParserOnlyRefusesWithAReason() {
    Random random = new Random(SEED);
    String base = "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":12}}\n\n"
        + ": comment\ndata: [DONE]\n\n";
    for (int i = 0; i < SSE_CASES; i++) {
      String text = new String(mutate(base.getBytes(StandardCharsets.UTF_8), random), StandardCharsets.UTF_8);
      try {
        SseParser.payloads(text);
      } catch (BadEventException expected) {
        assertThat(expected.reason()).isNotBlank();
      }
    }
    System.out.printf("fuzz: %d SSE cases (seed %d)%n", SSE_CASES, SEED);
  }

  /** Real events: the CLI example file and every provider fixture as a single response event. */
  private static List<String> seeds() throws IOException {
    List<String> out = new ArrayList<>(Files.readAllLines(Path.of("../deploy/examples/raw-events.jsonl")));
    try (Stream<Path> files = Files.walk(Path.of("src/test/resources/fixtures"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        var fixture = dev.costpipe.engine.json.Json.MAPPER.readTree(f.toFile());
        if (fixture.has("response_body")) {
          var e = dev.costpipe.engine.json.Json.MAPPER.createObjectNode();
          e.put("request_id", "f").put("event_type", "response").put("provider", fixture.path("provider").asText());
          e.set("request_body", fixture.get("request_body"));
          e.set("response_body", fixture.get("response_body"));
          out.add(e.toString());
        }
      }
    }
    return out;
  }

  private static byte[] mutate(byte[] in, Random r) {
    byte[] b = in.clone();
    int ops = 1 + r.nextInt(4);
    for (int k = 0; k < ops && b.length > 0; k++) {
      int at = r.nextInt(b.length);
      switch (r.nextInt(9)) {
        case 0 -> b[at] = (byte) r.nextInt(256);
        case 1 -> b = java.util.Arrays.copyOf(b, at);
        case 2 -> b = splice(b, at, b, r.nextInt(b.length), 1 + r.nextInt(64));
        case 3 -> b = splice(b, at, absurdNumber(r).getBytes(StandardCharsets.UTF_8), 0, -1);
        case 4 -> b = splice(b, at, "[".repeat(2000 + r.nextInt(3000)).getBytes(StandardCharsets.UTF_8), 0, -1);
        case 5 -> b = replaceNumber(b, r);
        case 6 -> b = splice(b, at, new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, 0, -1);
        case 7 -> b = splice(b, at, "\\\"' OR 1=1 --\\u0000".getBytes(StandardCharsets.UTF_8), 0, -1);
        default -> b = replaceNumber(replaceNumber(b, r), r);
      }
    }
    return b;
  }

  private static String absurdNumber(Random r) {
    String[] n = {"-1", "1e308", "9223372036854775807", "99999999999999999999999", "-0.5", "1.5", "NaN", "0x10",
        "1e-400", "4294967296"};
    return n[r.nextInt(n.length)];
  }

  /** Replaces one run of digits with an absurd number, so usage counts go negative, huge, fractional. */
  private static byte[] replaceNumber(byte[] b, Random r) {
    String s = new String(b, StandardCharsets.ISO_8859_1);
    var m = java.util.regex.Pattern.compile("\\d+").matcher(s);
    List<int[]> runs = new ArrayList<>();
    while (m.find()) {
      runs.add(new int[] {m.start(), m.end()});
    }
    if (runs.isEmpty()) {
      return b;
    }
    int[] run = runs.get(r.nextInt(runs.size()));
    return (s.substring(0, run[0]) + absurdNumber(r) + s.substring(run[1])).getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] splice(byte[] b, int at, byte[] src, int from, int len) {
    int n = len < 0 ? src.length - from : Math.min(len, src.length - from);
    byte[] out = new byte[b.length + n];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(src, from, out, at, n);
    System.arraycopy(b, at, out, at + n, b.length - at);
    return out;
  }
}
