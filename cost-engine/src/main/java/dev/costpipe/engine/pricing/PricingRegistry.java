package dev.costpipe.engine.pricing;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves (provider, model as called, deployment) to a price, with hash maps built once: an
 * immutable snapshot. A change of prices builds a new registry ({@link #with}, {@link #without}).
 *
 * <p>Resolution order, for each id candidate of {@link ModelIdCandidates} (exact name first):
 * the provider's endpoint for that id and deployment, the provider's endpoint for that id; then,
 * only when no candidate matched the provider, an entry known by that id or key whose author sells it
 * directly (e.g. {@code gpt-4o} called on Azure with no Azure endpoint is priced at OpenAI's list).
 */
public final class PricingRegistry {
  private final Map<String, PricingEntry> entries;
  private final Map<String, PriceMatch> byProviderAndId;
  private final Map<String, PriceMatch> byAuthorId;

  private PricingRegistry(Map<String, PricingEntry> entries) {
    this.entries = Collections.unmodifiableMap(entries);
    this.byProviderAndId = new HashMap<>();
    this.byAuthorId = new HashMap<>();
    for (PricingEntry entry : entries.values()) {
      String author = author(entry.modelKey());
      for (Endpoint endpoint : entry.endpoints()) {
        PriceMatch match = new PriceMatch(entry, endpoint,
            endpoint.periods().stream().map(PricePlan::new).toArray(PricePlan[]::new));
        boolean firstParty = endpoint.provider().equals(author) && endpoint.deployment() == null;
        for (String id : endpoint.ids()) {
          String lower = id.toLowerCase(Locale.ROOT);
          byProviderAndId.putIfAbsent(key(endpoint.provider(), endpoint.deployment(), lower), match);
          if (firstParty) {
            byAuthorId.putIfAbsent(lower, match);
          }
        }
        if (firstParty) {
          byAuthorId.putIfAbsent(entry.modelKey().toLowerCase(Locale.ROOT), match);
          byAuthorId.putIfAbsent(modelPart(entry.modelKey()), match);
        }
      }
    }
  }

  public static PricingRegistry of(Collection<PricingEntry> entries) {
    Map<String, PricingEntry> byKey = new LinkedHashMap<>();
    for (PricingEntry e : entries) {
      byKey.put(e.modelKey(), e);
    }
    return new PricingRegistry(byKey);
  }

  public PricingRegistry with(PricingEntry entry) {
    Map<String, PricingEntry> copy = new LinkedHashMap<>(entries);
    copy.put(entry.modelKey(), entry);
    return new PricingRegistry(copy);
  }

  public PricingRegistry without(String modelKey) {
    Map<String, PricingEntry> copy = new LinkedHashMap<>(entries);
    copy.remove(modelKey);
    return new PricingRegistry(copy);
  }

  public Collection<PricingEntry> entries() {
    return entries.values();
  }

  public int size() {
    return entries.size();
  }

  public Optional<PriceMatch> resolve(String provider, String model, String deployment) {
    if (model == null || model.isBlank()) {
      return Optional.empty();
    }
    var candidates = ModelIdCandidates.of(model);
    if (provider != null) {
      for (String id : candidates) {
        if (deployment != null) {
          PriceMatch m = byProviderAndId.get(key(provider, deployment.toLowerCase(Locale.ROOT), id));
          if (m != null) {
            return Optional.of(m);
          }
        }
        PriceMatch m = byProviderAndId.get(key(provider, null, id));
        if (m != null) {
          return Optional.of(m);
        }
      }
    }
    for (String id : candidates) {
      PriceMatch m = byAuthorId.get(id);
      if (m != null) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  private static String key(String provider, String deployment, String id) {
    return deployment == null ? provider + '\u0000' + id : provider + '\u0000' + deployment + '\u0000' + id;
  }

  private static String author(String modelKey) {
    int slash = modelKey.indexOf('/');
    return slash < 0 ? "" : modelKey.substring(0, slash);
  }

  private static String modelPart(String modelKey) {
    return modelKey.substring(modelKey.indexOf('/') + 1).toLowerCase(Locale.ROOT);
  }
}
