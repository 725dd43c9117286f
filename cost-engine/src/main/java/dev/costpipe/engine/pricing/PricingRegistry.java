package dev.costpipe.engine.pricing;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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
  /** provider (or provider + NUL + deployment) → listed id → match. */
  private final Map<String, Map<String, PriceMatch>> byProviderAndId;
  private final Map<String, PriceMatch> byAuthorId;

  private PricingRegistry(Map<String, PricingEntry> entries) {
    this.entries = Collections.unmodifiableMap(entries);
    this.byProviderAndId = new HashMap<>();
    this.byAuthorId = new HashMap<>();
    for (PricingEntry entry : entries.values()) {
      String author = author(entry.modelKey());
      for (Endpoint endpoint : entry.endpoints()) {
        PriceMatch match = new PriceMatch(entry, endpoint);
        boolean firstParty = endpoint.provider().equals(author) && endpoint.deployment() == null;
        for (String id : endpoint.ids()) {
          String lower = id.toLowerCase(Locale.ROOT);
          byProviderAndId.computeIfAbsent(scope(endpoint.provider(), endpoint.deployment()), k -> new HashMap<>())
              .putIfAbsent(lower, match);
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
    Optional<PriceMatch> listed = resolveListed(provider, model, deployment);
    if (listed.isPresent() || !FineTunedIds.isFineTuned(model.strip())) {
      return listed;
    }
    return resolveFineTuned(provider, model.strip(), deployment);
  }

  /**
   * A fine-tuned id not listed as called ({@link FineTunedIds}): {@code ft:<base>}, else
   * {@code ft:<id>} for each id the base model's endpoint lists (its dated snapshots), else the base.
   */
  private Optional<PriceMatch> resolveFineTuned(String provider, String model, String deployment) {
    String base = FineTunedIds.base(model);
    Optional<PriceMatch> m = resolveListed(provider, FineTunedIds.PREFIX + base, deployment);
    if (m.isPresent()) {
      return m;
    }
    Optional<PriceMatch> baseMatch = resolveListed(provider, base, deployment);
    if (baseMatch.isEmpty()) {
      return baseMatch;
    }
    for (String id : baseMatch.get().endpoint().ids()) {
      m = resolveListed(provider, FineTunedIds.PREFIX + id, deployment);
      if (m.isPresent()) {
        return m;
      }
    }
    return baseMatch;
  }

  private Optional<PriceMatch> resolveListed(String provider, String model, String deployment) {
    Map<String, PriceMatch> ids = provider == null ? null : byProviderAndId.get(provider);
    Map<String, PriceMatch> deploymentIds = provider == null || deployment == null ? null
        : byProviderAndId.get(scope(provider, deployment.toLowerCase(Locale.ROOT)));
    // the hot path: the name as called is listed, no alias work needed
    String exact = normalized(model);
    PriceMatch m = lookup(deploymentIds, ids, exact);
    if (m != null) {
      return Optional.of(m);
    }
    List<String> candidates = ModelIdCandidates.of(exact);
    for (String id : candidates) {
      m = lookup(deploymentIds, ids, id);
      if (m != null) {
        return Optional.of(m);
      }
    }
    for (String id : candidates) {
      m = byAuthorId.get(id);
      if (m != null) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /**
   * The id {@code model} was found under in {@code match} (as the endpoint lists it, or the model key),
   * following the same alias candidates as {@link #resolve}; null when {@code match} is not one for it.
   */
  public static String matchedId(PriceMatch match, String model) {
    if (model == null || model.isBlank()) {
      return null;
    }
    String key = match.modelKey().toLowerCase(Locale.ROOT);
    for (String candidate : ModelIdCandidates.of(model)) {
      for (String id : match.endpoint().ids()) {
        if (id.toLowerCase(Locale.ROOT).equals(candidate)) {
          return id;
        }
      }
      if (candidate.equals(key) || candidate.equals(modelPart(match.modelKey()))) {
        return match.modelKey();
      }
    }
    return null;
  }

  private static PriceMatch lookup(Map<String, PriceMatch> deploymentIds, Map<String, PriceMatch> ids, String id) {
    PriceMatch m = deploymentIds == null ? null : deploymentIds.get(id);
    if (m == null && ids != null) {
      m = ids.get(id);
    }
    return m;
  }

  /** Lower case without surrounding blanks; allocates only when the name is not already so. */
  private static String normalized(String model) {
    for (int i = 0; i < model.length(); i++) {
      char c = model.charAt(i);
      if (Character.isUpperCase(c) || (i == 0 || i == model.length() - 1) && Character.isWhitespace(c)) {
        return model.trim().toLowerCase(Locale.ROOT);
      }
    }
    return model;
  }

  private static String scope(String provider, String deployment) {
    return deployment == null ? provider : provider + '\u0000' + deployment;
  }

  private static String author(String modelKey) {
    int slash = modelKey.indexOf('/');
    return slash < 0 ? "" : modelKey.substring(0, slash);
  }

  private static String modelPart(String modelKey) {
    return modelKey.substring(modelKey.indexOf('/') + 1).toLowerCase(Locale.ROOT);
  }
}
