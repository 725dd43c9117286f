package dev.costpipe.app.cli;

import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PriceMatch;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.PricingRegistry;
import dev.costpipe.contracts.settings.Suggestions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Resolves a model name as the pipeline does ({@link PricingRegistry#resolve}) for the pricing
 * commands, and finds the near misses to suggest when it does not resolve.
 */
final class ModelResolver {
  private final PricingRegistry registry;
  private final TreeSet<String> providers = new TreeSet<>();

  ModelResolver(PricingRegistry registry) {
    this.registry = registry;
    registry.entries().forEach(e -> e.endpoints().forEach(ep -> providers.add(ep.provider())));
  }

  /**
   * Every provider's own endpoint the name resolves to (a provider that does not list it is left out,
   * though the pipeline would price a call to it at the author's list), in provider order.
   */
  List<PriceMatch> everyProvider(String model) {
    List<PriceMatch> out = new ArrayList<>();
    for (String p : providers) {
      registry.resolve(p, model, null).filter(m -> m.endpoint().provider().equals(p)).ifPresent(out::add);
    }
    return out;
  }

  /** The entry whose model key this is (case-insensitive). */
  Optional<PricingEntry> byKey(String model) {
    String key = model.trim().toLowerCase(Locale.ROOT);
    return registry.entries().stream().filter(e -> e.modelKey().toLowerCase(Locale.ROOT).equals(key)).findFirst();
  }

  /**
   * What a call to {@code model} (an id as called, or a model key) on {@code provider} is priced at:
   * usually one match; several when a model key names several endpoints (every provider's when no
   * provider is given and the author sells none, or one provider's several profiles).
   */
  List<PriceMatch> matches(String provider, String model, String deployment) {
    Optional<PricingEntry> keyed = byKey(model);
    if (keyed.isPresent() && provider != null) {
      List<PriceMatch> own = keyed.get().endpoints().stream()
          .filter(ep -> ep.provider().equals(provider))
          .filter(ep -> deployment == null ? ep.deployment() == null : deployment.equalsIgnoreCase(ep.deployment()))
          .map(ep -> match(keyed.get(), ep)).toList();
      if (!own.isEmpty()) {
        return own;
      }
    }
    Optional<PriceMatch> direct = registry.resolve(provider, model, deployment);
    if (direct.isPresent()) {
      return List.of(direct.get());
    }
    if (provider != null) {
      return List.of();
    }
    return keyed.map(e -> e.endpoints().stream().map(ep -> match(e, ep)).toList()).orElseGet(() -> everyProvider(model));
  }

  private static PriceMatch match(PricingEntry entry, Endpoint ep) {
    return new PriceMatch(entry, ep);
  }

  /** The one entry a name denotes, called on whichever provider; empty when none or several do. */
  Optional<PricingEntry> entry(String model) {
    Optional<PricingEntry> keyed = byKey(model);
    if (keyed.isPresent()) {
      return keyed;
    }
    Optional<PriceMatch> direct = registry.resolve(null, model, null);
    if (direct.isPresent()) {
      return direct.map(PriceMatch::entry);
    }
    Map<String, PricingEntry> found = new LinkedHashMap<>();
    everyProvider(model).forEach(m -> found.putIfAbsent(m.modelKey(), m.entry()));
    return found.size() == 1 ? Optional.of(found.values().iterator().next()) : Optional.empty();
  }

  /** Model keys and listed ids closest to {@code model} by edit distance (at most {@code max}). */
  List<String> closeMatches(String model, int max) {
    String wanted = model.trim().toLowerCase(Locale.ROOT);
    TreeSet<String> names = new TreeSet<>();
    for (PricingEntry e : registry.entries()) {
      names.add(e.modelKey());
      for (Endpoint ep : e.endpoints()) {
        ep.ids().forEach(id -> names.add(id.toLowerCase(Locale.ROOT)));
      }
    }
    int limit = Math.max(3, wanted.length() / 3);
    record Scored(String name, int distance) {}
    return names.stream()
        .map(n -> new Scored(n, n.contains(wanted) || wanted.contains(n) && n.length() > 3 ? 0 : Suggestions.distance(wanted, n)))
        .filter(s -> s.distance() <= limit)
        .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
        .limit(max).map(Scored::name).toList();
  }
}
