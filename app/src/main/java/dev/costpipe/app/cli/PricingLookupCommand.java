package dev.costpipe.app.cli;

import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PriceMatch;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PriceTier;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.clickhouse.report.CostFilter;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code costpipe pricing lookup MODEL}: what a call to MODEL is priced at, resolved exactly as the
 * pipeline resolves it (aliases, dated snapshots, Bedrock/Vertex ids, the author's list price for a
 * provider that lists none).
 */
@Command(name = "lookup", mixinStandardHelpOptions = true,
    description = "Print the pricing entry and the rates a call to MODEL is priced at.")
final class PricingLookupCommand implements Callable<Integer> {
  private static final String NAME = "costpipe pricing lookup";

  @Mixin
  PricingSource source;

  @Parameters(paramLabel = "MODEL", description = "The model as called (any listed id or alias) or a model key.")
  String model;

  @Option(names = "--provider", paramLabel = "P", description = "The provider called (default: the model's author).")
  String provider;

  @Option(names = "--deployment", paramLabel = "D", description = "The deployment/region called, e.g. us-west-2.")
  String deployment;

  @Option(names = "--at", paramLabel = "TIME", description = "When the call is made: ISO-8601 instant or YYYY-MM-DD (default: now).")
  String at;

  @Override
  public Integer call() {
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
    List<PriceMatch> matches = resolver.matches(provider, model, deployment);
    List<String> sellers = matches.stream().map(m -> m.endpoint().provider()).distinct().toList();
    if (sellers.size() > 1) {
      System.err.println(NAME + ": " + model + " is sold by " + sellers + " and not by its author: give --provider");
      return 1;
    }
    if (matches.isEmpty()) {
      System.err.println(NAME + ": unknown model " + (provider == null ? "" : provider + "/") + model
          + " (" + registry.size() + " models known)");
      List<String> close = resolver.closeMatches(model, 5);
      if (!close.isEmpty()) {
        System.err.println("close matches: " + String.join(", ", close));
      }
      return 1;
    }
    for (int i = 0; i < matches.size(); i++) {
      if (i > 0) {
        System.out.println();
      }
      print(System.out, matches.get(i), when);
    }
    return 0;
  }

  private void print(PrintStream out, PriceMatch m, Instant when) {
    Endpoint ep = m.endpoint();
    PricePeriod period = ep.periodAt(when);
    out.println("model key    " + m.modelKey() + (m.entry().name() == null ? "" : " (" + m.entry().name() + ")"));
    out.println("called       " + model + " -> listed id " + PricingRegistry.matchedId(m, model));
    out.println("provider     " + ep.provider() + (provider != null && !provider.equals(ep.provider())
        ? "   (" + provider + " lists no price for it: priced at the author's list, as the pipeline does)" : ""));
    out.println("deployment   " + (ep.deployment() == null ? "-" : ep.deployment()));
    out.println("ids          " + String.join(", ", ep.ids()));
    out.println("source       " + (ep.source() == null ? "-" : ep.source()) + "   checked "
        + (ep.checked() == null ? "-" : ep.checked()));
    int index = ep.periods().indexOf(period);
    out.println("at           " + when);
    out.println("period       from " + period.effectiveFrom()
        + (period.effectiveUntil() != null ? " until " + period.effectiveUntil()
            : index + 1 < ep.periods().size() ? " until " + ep.periods().get(index + 1).effectiveFrom() : "")
        + "   (" + (index + 1) + " of " + ep.periods().size() + " in the price history"
        + (period.effectiveFrom().isAfter(when) ? "; TIME is before the first period, which applies" : "") + ")");
    out.println(RateRows.header("  "));
    RateRows.of(period.rates(), true, "  ").forEach(out::println);
    for (PriceTier t : period.tiers()) {
      out.println("  tier: the whole request at these rates when input_tokens " + (t.atOrAbove() ? ">= " : "> ")
          + t.inputTokens() + " (others as above)");
      RateRows.of(t.rates(), false, "    ").forEach(out::println);
    }
    period.modes().forEach((name, mode) -> {
      out.println("  mode " + name + ": these rates over the request's, token rates x "
          + RateRows.plain(mode.multiplier()) + " (billing mode: service tier, batch, fast or geo_<region>)");
      RateRows.of(mode.rates(), false, "    ").forEach(out::println);
    });
    period.timeOfDay().forEach(w -> {
      out.println("  time of day " + w.from() + "-" + w.until() + " UTC"
          + (w.days().isEmpty() ? "" : " on " + w.days().stream().sorted().map(Object::toString).toList())
          + ": these rates over the request's, token rates x " + RateRows.plain(w.prices().multiplier()));
      RateRows.of(w.prices().rates(), false, "    ").forEach(out::println);
    });
  }
}
