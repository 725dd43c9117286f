package dev.costpipe.app.cli;

import dev.costpipe.engine.pricing.Cost;
import dev.costpipe.engine.pricing.CostCalculator;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PricePlan;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.engine.pricing.Rates;
import dev.costpipe.engine.usage.Usage;
import dev.costpipe.clickhouse.report.CostFilter;
import java.io.IOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code costpipe pricing cheapest MODEL}: every provider (and deployment) that sells the model,
 * cheapest first for a reference usage, costed by the engine's calculator in exact USD: the
 * registry side of cost-based routing.
 */
@Command(name = "cheapest", mixinStandardHelpOptions = true,
    description = "List the providers selling MODEL, cheapest first for a reference usage.")
final class PricingCheapestCommand implements Callable<Integer> {
  private static final String NAME = "costpipe pricing cheapest";

  @Mixin
  PricingSource source;

  @Parameters(paramLabel = "MODEL", description = "A model key or any id a provider lists for it.")
  String model;

  @Option(names = "--input-tokens", paramLabel = "N", defaultValue = "1000",
      description = "Input tokens of the reference call, cache reads and writes included (default: ${DEFAULT-VALUE}).")
  long inputTokens;

  @Option(names = "--output-tokens", paramLabel = "N", defaultValue = "1000",
      description = "Output tokens of the reference call (default: ${DEFAULT-VALUE}).")
  long outputTokens;

  @Option(names = "--cache-read-tokens", paramLabel = "N", defaultValue = "0",
      description = "Of the input tokens, read from the prompt cache (default: ${DEFAULT-VALUE}).")
  long cacheReadTokens;

  @Option(names = "--cache-write-tokens", paramLabel = "N", defaultValue = "0",
      description = "Of the input tokens, written to the prompt cache (default: ${DEFAULT-VALUE}).")
  long cacheWriteTokens;

  @Option(names = "--at", paramLabel = "TIME", description = "Prices in force at: ISO-8601 instant or YYYY-MM-DD (default: now).")
  String at;

  private static final String ROW = "%-11s %-11s %10s %10s %10s %10s  %-22s %-10s  %s";

  private record Offer(Endpoint endpoint, PricePeriod period, Cost cost) {}

  @Override
  public Integer call() {
    Usage usage = Usage.builder().inputTokens(inputTokens).outputTokens(outputTokens)
        .cacheReadTokens(cacheReadTokens).cacheWriteTokens(cacheWriteTokens).build();
    if (!usage.invariantViolation().isEmpty()) {
      System.err.println(NAME + ": reference usage: " + usage.invariantViolation());
      return 2;
    }
    Instant when;
    PricingRegistry registry;
    try {
      when = at == null ? Instant.now() : CostFilter.parseTime(at);
      registry = PricingRegistry.of(source.entries(NAME));
    } catch (IllegalArgumentException | IOException e) {
      System.err.println(NAME + ": " + e.getMessage());
      return 2;
    }
    ModelResolver resolver = new ModelResolver(registry);
    Optional<PricingEntry> entry = resolver.entry(model);
    if (entry.isEmpty()) {
      List<String> keys = resolver.everyProvider(model).stream().map(m -> m.modelKey()).distinct().toList();
      System.err.println(NAME + ": " + (keys.isEmpty() ? "unknown model " + model
          : model + " names several models " + keys + ": give the model key"));
      List<String> close = resolver.closeMatches(model, 5);
      if (keys.isEmpty() && !close.isEmpty()) {
        System.err.println("close matches: " + String.join(", ", close));
      }
      return 1;
    }
    List<Offer> offers = entry.get().endpoints().stream().map(ep -> {
      PricePeriod period = ep.periodAt(when);
      return new Offer(ep, period, CostCalculator.compute(PricePlan.of(period), usage));
    }).sorted(Comparator.comparing((Offer o) -> o.cost().totalUsd())
        .thenComparing(o -> o.endpoint().provider())
        .thenComparing(o -> o.endpoint().deployment() == null ? "" : o.endpoint().deployment())).toList();

    System.out.println(entry.get().modelKey() + (entry.get().name() == null ? "" : " (" + entry.get().name() + ")")
        + ": " + offers.size() + " offers at " + when + " for " + inputTokens + " input tokens (" + cacheReadTokens
        + " cache read, " + cacheWriteTokens + " cache write), " + outputTokens + " output tokens");
    System.out.println(String.format(ROW, "provider", "deployment", "input/1M", "output/1M", "c.read/1M", "c.write/1M",
        "cost USD", "checked", "ids"));
    for (Offer o : offers) {
      // the rates this usage is billed at: the highest tier it passes, else the base rates (no time of day)
      Optional<PriceTier> tier = o.period().tiers().stream().filter(t -> inputTokens > t.aboveInputTokens())
          .reduce((a, b) -> b);
      Rates r = tier.map(t -> t.rates().over(o.period().rates())).orElse(o.period().rates()).withFallbacks();
      List<String> ids = o.endpoint().ids();
      System.out.println(String.format(ROW, o.endpoint().provider(),
          o.endpoint().deployment() == null ? "-" : o.endpoint().deployment(), perMillion(r.input()),
          perMillion(r.output()), perMillion(r.cacheRead()), perMillion(r.cacheWrite()),
          RateRows.plain(o.cost().totalUsd())
              + tier.map(t -> " (" + (t.atOrAbove() ? ">=" : ">") + t.inputTokens() + ")").orElse(""),
          o.endpoint().checked() == null ? "-" : o.endpoint().checked(),
          ids.get(0) + (ids.size() > 1 ? " (+" + (ids.size() - 1) + ")" : "")));
    }
    return 0;
  }

  private static String perMillion(java.math.BigDecimal perToken) {
    return RateRows.plain(perToken.movePointRight(6));
  }
}
