package dev.costpipe.engine.bench;

import dev.costpipe.engine.CostEngine;
import dev.costpipe.engine.pricing.CostCalculator;
import dev.costpipe.engine.pricing.PricePlan;
import dev.costpipe.engine.usage.Usage;
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
 * (a) Cost from normalized usage: resolve the model in the registry, pick the period in force and
 * compute the exact cost in nano-USD, over a mix of usage shapes (plain, cached, tiered, reasoning).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class CostComputationBenchmark {
  private static final Instant AT = Instant.parse("2026-06-01T12:00:00Z");

  private CostEngine engine;
  private Usage[] usages;
  private String[][] calls;
  private int i;

  @Setup
  public void setUp() {
    engine = CostEngine.builtIn();
    usages = new Usage[] {
        Usage.builder().inputTokens(1_200).outputTokens(350).build(),
        Usage.builder().inputTokens(12_000).cacheReadTokens(10_000).outputTokens(800).build(),
        new Usage(30_000, 2_000, 20_000, 4_000, 2_000, 0, 0, 0, 1, 0),
        Usage.builder().inputTokens(250_000).outputTokens(4_000).build(),
        Usage.builder().inputTokens(900).outputTokens(6_000).reasoningTokens(5_000).build(),
    };
    calls = new String[][] {
        {"openai", "gpt-4o-mini"}, {"openai", "gpt-4.1"}, {"anthropic", "claude-sonnet-4-5-20250929"},
        {"google", "gemini-2.5-pro"}, {"openai", "o3-mini"},
    };
    for (String[] c : calls) {
      if (engine.registry().resolve(c[0], c[1], null).isEmpty()) {
        throw new IllegalStateException("benchmark model not in the built-in catalogue: " + c[0] + "/" + c[1]);
      }
    }
  }

  @Benchmark
  public long costFromUsage() {
    int k = i++ % usages.length;
    PricePlan plan = engine.registry().resolve(calls[k][0], calls[k][1], null).orElseThrow().planAt(AT);
    return CostCalculator.compute(plan, usages[k]).nanoUsd();
  }
}
