package dev.costpipe.engine.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricePeriod;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.Rates;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What {@code costpipe pricing sync} publishes: the upstream catalogues' prices compared with the pricing
 * topic's, endpoint by endpoint (provider and deployment). A changed price becomes a new price period (from the
 * upstream's own start date where it dates the change, else from the sync time) appended to the history; a new
 * model or endpoint is added. Held back unless accepted: a price that moves by more than the allowed share, a
 * change to a curated endpoint (one whose source is no upstream's), and a model that vanished upstream (whose
 * prices stay: nothing is deleted).
 */
public final class PriceSync {
  /** The sources of the upstream catalogues, as the built-in catalogue records them. */
  public static final Set<String> UPSTREAM_SOURCES = Set.of(CatalogueBuilder.LITELLM_SOURCE, GenAiPricesImporter.SOURCE);

  public enum Kind { ADDED, CHANGED, HELD_BACK, VANISHED }

  /** One line of the diff: a model's endpoint ({@code provider} or {@code provider/deployment}) and what happened. */
  public record Change(Kind kind, String modelKey, String endpoint, String detail) {
    public String line() {
      return String.format("%-10s %s  %s  %s", kind.name().toLowerCase().replace('_', ' '), modelKey, endpoint, detail);
    }
  }

  /**
   * @param maxChange the largest share a rate may fall or rise by without being accepted (0.5: 50%)
   * @param accepted model keys whose held-back changes go through
   */
  public record Options(BigDecimal maxChange, Set<String> accepted, boolean acceptAll, Instant syncTime) {
    boolean accepts(String modelKey) {
      return acceptAll || accepted.contains(modelKey);
    }
  }

  /** The entries to publish (each whole, with its history) and the diff. */
  public record Result(List<PricingEntry> toPublish, List<Change> changes) {
    public long count(Kind kind) {
      return changes.stream().filter(c -> c.kind() == kind).count();
    }

    public String summary() {
      return count(Kind.ADDED) + " added, " + count(Kind.CHANGED) + " changed, " + count(Kind.HELD_BACK)
          + " held back, " + count(Kind.VANISHED) + " vanished; " + toPublish.size() + " entries to publish";
    }
  }

  private PriceSync() {}

  /**
   * The curated part of {@code current} (endpoints whose source is neither upstream's): what the upstreams are built
   * beside, as the built-in catalogue is, so that an upstream entry whose ids a curated one covers stays out.
   */
  public static Catalogue curated(List<PricingEntry> current) {
    List<PricingEntry> curated = new ArrayList<>();
    for (PricingEntry e : current) {
      List<Endpoint> own = e.endpoints().stream().filter(ep -> !UPSTREAM_SOURCES.contains(ep.source())).toList();
      if (!own.isEmpty()) {
        curated.add(new PricingEntry(e.modelKey(), e.name(), own));
      }
    }
    return new Catalogue(curated, List.of());
  }

  /**
   * @param current what the pricing topic holds
   * @param upstream the upstream catalogues' entries
   * @param fetchedSources the sources of the upstreams fetched: endpoints of another upstream are left alone
   */
  public static Result decide(List<PricingEntry> current, List<PricingEntry> upstream, Set<String> fetchedSources,
      Options options) {
    Map<String, PricingEntry> held = current.stream()
        .collect(Collectors.toMap(PricingEntry::modelKey, Function.identity(), (a, b) -> b, LinkedHashMap::new));
    List<PricingEntry> toPublish = new ArrayList<>();
    List<Change> changes = new ArrayList<>();
    Map<String, PricingEntry> upstreamByKey = new LinkedHashMap<>();
    for (PricingEntry u : upstream) {
      upstreamByKey.put(u.modelKey(), u);
      PricingEntry c = held.get(u.modelKey());
      if (c == null) {
        toPublish.add(u);
        u.endpoints().forEach(ep -> changes.add(new Change(Kind.ADDED, u.modelKey(), where(ep),
            describe(ep.periodAt(options.syncTime()).rates()))));
        continue;
      }
      boolean published = false;
      List<Endpoint> endpoints = new ArrayList<>(c.endpoints());
      for (Endpoint ue : u.endpoints()) {
        int at = indexOf(endpoints, ue);
        if (at < 0) {
          endpoints.add(ue);
          published = true;
          changes.add(new Change(Kind.ADDED, u.modelKey(), where(ue), describe(ue.periodAt(options.syncTime()).rates())));
          continue;
        }
        Endpoint ce = endpoints.get(at);
        boolean curated = !UPSTREAM_SOURCES.contains(ce.source());
        if (!curated && !fetchedSources.contains(ce.source())) {
          continue; // priced by the other upstream, which this sync did not fetch
        }
        List<PricePeriod> added = newPeriods(ce, ue, options.syncTime());
        if (added.isEmpty()) {
          continue;
        }
        Rates before = ce.periodAt(options.syncTime()).rates();
        Rates after = added.get(added.size() - 1).rates();
        String move = describe(before, after) + " from " + added.get(0).effectiveFrom();
        String reason = curated ? "curated entry (source " + ce.source() + ")" : tooLarge(before, after, options.maxChange());
        if (reason != null && !options.accepts(u.modelKey())) {
          changes.add(new Change(Kind.HELD_BACK, u.modelKey(), where(ce),
              move + ": " + reason + " (--accept " + u.modelKey() + " to publish)"));
          continue;
        }
        List<PricePeriod> periods = new ArrayList<>(ce.periods());
        periods.addAll(added);
        endpoints.set(at, new Endpoint(ce.provider(), ce.deployment(), union(ce.ids(), ue.ids()),
            curated ? ce.source() : ue.source(), options.syncTime().atZone(ZoneOffset.UTC).toLocalDate().toString(),
            periods));
        published = true;
        changes.add(new Change(Kind.CHANGED, u.modelKey(), where(ce), move + (reason == null ? "" : " (accepted: " + reason + ")")));
      }
      if (published) {
        toPublish.add(new PricingEntry(c.modelKey(), c.name(), endpoints));
      }
    }
    for (PricingEntry c : current) {
      PricingEntry u = upstreamByKey.get(c.modelKey());
      for (Endpoint ce : c.endpoints()) {
        if (fetchedSources.contains(ce.source()) && (u == null || indexOf(u.endpoints(), ce) < 0)) {
          changes.add(new Change(Kind.VANISHED, c.modelKey(), where(ce), options.accepts(c.modelKey())
              ? "no longer upstream: accepted; its prices stay (nothing is deleted)"
              : "no longer upstream: held back, its prices stay (--accept " + c.modelKey() + " to acknowledge)"));
        }
      }
    }
    return new Result(toPublish, changes);
  }

  /**
   * The upstream's periods that the held endpoint lacks: those the upstream dates after the held history's last
   * start; else, when the prices in force differ, the upstream's prices from the sync time.
   */
  private static List<PricePeriod> newPeriods(Endpoint held, Endpoint upstream, Instant syncTime) {
    Instant lastStart = held.periods().get(held.periods().size() - 1).effectiveFrom();
    List<PricePeriod> dated = new ArrayList<>();
    for (PricePeriod p : upstream.periods()) {
      if (!p.effectiveFrom().equals(Instant.EPOCH) && p.effectiveFrom().isAfter(lastStart)
          && !samePrices(p, held.periodAt(p.effectiveFrom()))) {
        dated.add(p);
      }
    }
    if (!dated.isEmpty()) {
      return dated;
    }
    PricePeriod now = upstream.periodAt(syncTime);
    if (samePrices(now, held.periodAt(syncTime))) {
      return List.of();
    }
    return List.of(new PricePeriod(syncTime, now.effectiveUntil(), now.rates(), now.tiers(), now.modes(), now.timeOfDay()));
  }

  /**
   * Whether two periods price alike, whatever their dates: compared as the pricing topic writes them, numbers by
   * value (1E-6 and 0.0000010 alike).
   */
  static boolean samePrices(PricePeriod a, PricePeriod b) {
    return asJson(a).equals(SAME_NUMBER, asJson(b));
  }

  private static final Comparator<JsonNode> SAME_NUMBER = (x, y) -> x.isNumber() && y.isNumber()
      ? x.decimalValue().compareTo(y.decimalValue()) : x.equals(y) ? 0 : 1;

  private static JsonNode asJson(PricePeriod p) {
    PricePeriod undated = new PricePeriod(Instant.EPOCH, null, p.rates(), p.tiers(), p.modes(), p.timeOfDay());
    return PricingEntryJson.toTree(new PricingEntry("k", "k",
        List.of(new Endpoint("p", null, List.of(), null, null, List.of(undated)))));
  }

  /** Why a move is too large to publish unasked, or null: the first of input/output/cache rates that moves more. */
  private static String tooLarge(Rates before, Rates after, BigDecimal maxChange) {
    for (String name : List.of("input", "output", "cache_read", "cache_write")) {
      BigDecimal share = share(rate(before, name), rate(after, name));
      if (share != null && share.abs().compareTo(maxChange) > 0) {
        return name + " moves " + percent(share) + ", more than " + percent(maxChange).replace("+", "");
      }
    }
    return null;
  }

  private static BigDecimal share(BigDecimal before, BigDecimal after) {
    if (before == null || after == null || before.signum() == 0) {
      return null;
    }
    return after.subtract(before).divide(before, MathContext.DECIMAL64);
  }

  private static String percent(BigDecimal share) {
    BigDecimal p = share.movePointRight(2).setScale(0, java.math.RoundingMode.HALF_UP);
    return (p.signum() > 0 ? "+" : "") + p.toPlainString() + "%";
  }

  private static BigDecimal rate(Rates r, String name) {
    return switch (name) {
      case "input" -> r.input();
      case "output" -> r.output();
      case "cache_read" -> r.cacheRead();
      default -> r.cacheWrite();
    };
  }

  private static String describe(Rates r) {
    return "input " + plain(r.input()) + " output " + plain(r.output());
  }

  private static String describe(Rates before, Rates after) {
    StringBuilder s = new StringBuilder();
    for (String name : List.of("input", "output", "cache_read", "cache_write")) {
      BigDecimal b = rate(before, name);
      BigDecimal a = rate(after, name);
      if (!(b == null ? a == null : a != null && b.compareTo(a) == 0)) {
        BigDecimal share = share(b, a);
        s.append(s.isEmpty() ? "" : ", ").append(name).append(' ').append(plain(b)).append(" → ").append(plain(a))
            .append(share == null ? "" : " (" + percent(share) + ")");
      }
    }
    return s.isEmpty() ? "other prices (tiers, modes)" : s.toString();
  }

  private static String plain(BigDecimal d) {
    return d == null ? "-" : d.stripTrailingZeros().toPlainString();
  }

  private static int indexOf(List<Endpoint> endpoints, Endpoint e) {
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint c = endpoints.get(i);
      if (c.provider().equals(e.provider()) && Objects.equals(c.deployment(), e.deployment())) {
        return i;
      }
    }
    return -1;
  }

  private static String where(Endpoint e) {
    return e.deployment() == null ? e.provider() : e.provider() + "/" + e.deployment();
  }

  private static List<String> union(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    b.stream().filter(id -> !all.contains(id)).forEach(all::add);
    return all;
  }
}
