package dev.costpipe.clickhouse.costsql;

import dev.costpipe.engine.pricing.Endpoint;
import dev.costpipe.engine.pricing.PricingEntry;
import dev.costpipe.engine.pricing.PricingRegistry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * The lookup form of {@link ClickHouseCostSql#lookupExpression}: constant arrays indexed per row, so
 * the expression grows with the catalogue's data but not with a branch per model.
 *
 * <p>Per row: {@code transform} maps {@code provider} to a small number and
 * {@code '<that number>:' || lower(model)} to a <em>price shape</em> (one period's base rates and
 * tiers, deduplicated across the catalogue); with several price periods it maps to an endpoint
 * instead and the period is picked from per-endpoint arrays of period starts. Tiers pick a rate set
 * from per-shape threshold arrays; the rates are {@code Array(Decimal(38, S))} constants indexed by
 * rate set. {@code transform} goes to indexes only, since {@code transform} straight to Decimal fails
 * on 18.16. Index 0 means unknown, and {@code arrayElement(array, 0)} is the element type's default.
 */
final class CostLookupSql {
  /** Period start that no {@code DateTime} reaches. */
  private static final long NEVER = CompiledPlan.NEVER;

  private record Key(String provider, String id) {}

  private record Shape(List<BigDecimal> base, List<CompiledPlan.Tier> tiers) {}

  private final List<String> providers = new ArrayList<>();
  private final Map<String, Integer> providerIndex = new HashMap<>();
  private final Map<Key, Integer> keyToEndpoint = new LinkedHashMap<>();
  private final List<List<Integer>> endpointShapes = new ArrayList<>(); // per endpoint: shape per period
  private final List<List<Long>> endpointStarts = new ArrayList<>(); // per endpoint: first second per period
  private final List<List<Long>> endpointEnds = new ArrayList<>(); // per endpoint: first second after each period
  private final List<Shape> shapes = new ArrayList<>();
  private final List<List<BigDecimal>> rateSets = new ArrayList<>(); // rate set i+1; shape s has base s
  private final List<String> rateSetOwners = new ArrayList<>(); // a model key using each rate set
  private final List<int[]> shapeTierRateSets = new ArrayList<>(); // per shape: rate set per tier
  private int maxPeriods;
  private int maxTiers;
  private int scale = 1;

  private CostLookupSql() {}

  static String expression(PricingRegistry registry) {
    CostLookupSql lookup = new CostLookupSql();
    lookup.collect(registry);
    if (lookup.keyToEndpoint.isEmpty()) {
      return ClickHouseCostSql.NULL_COST;
    }
    return lookup.render();
  }

  private void collect(PricingRegistry registry) {
    // Java's first-wins order: entries, endpoints, ids (PricingRegistry's putIfAbsent), over every id,
    // then only the keys SQL can match exactly are kept.
    Map<Key, Endpoint> winners = new LinkedHashMap<>();
    Map<Endpoint, String> modelKeys = new HashMap<>();
    for (PricingEntry entry : registry.entries()) {
      for (Endpoint endpoint : entry.endpoints()) {
        if (endpoint.deployment() != null) {
          continue; // the table has no deployment column: resolve(provider, model, null) never uses these
        }
        modelKeys.putIfAbsent(endpoint, entry.modelKey());
        for (String id : endpoint.ids()) {
          winners.putIfAbsent(new Key(endpoint.provider(), id.toLowerCase(Locale.ROOT)), endpoint);
        }
      }
    }
    Map<Endpoint, Integer> endpointIndex = new HashMap<>();
    Map<Shape, Integer> shapeIndex = new HashMap<>();
    for (Map.Entry<Key, Endpoint> w : winners.entrySet()) {
      if (!matchableInSql(w.getKey().id())) {
        continue;
      }
      Endpoint endpoint = w.getValue();
      Integer e = endpointIndex.get(endpoint);
      if (e == null) {
        e = endpointShapes.size() + 1;
        endpointIndex.put(endpoint, e);
        List<Integer> periodShapes = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        for (CompiledPlan plan : CompiledPlan.of(endpoint)) {
          Shape shape = new Shape(plan.base(), plan.tiers());
          Integer s = shapeIndex.get(shape);
          if (s == null) {
            shapes.add(shape);
            rateSets.add(plan.base());
            rateSetOwners.add(modelKeys.get(endpoint));
            s = shapes.size();
            shapeIndex.put(shape, s);
          }
          periodShapes.add(s);
          starts.add(plan.fromSecond());
          ends.add(plan.untilSecond());
        }
        endpointShapes.add(periodShapes);
        endpointStarts.add(starts);
        endpointEnds.add(ends);
        maxPeriods = Math.max(maxPeriods, periodShapes.size());
      }
      keyToEndpoint.put(w.getKey(), e);
      providerIndex.computeIfAbsent(w.getKey().provider(), p -> {
        providers.add(p);
        return providers.size();
      });
    }
    // Tier rate sets after all base ones, so that shape s's base rate set is rate set s.
    Map<List<BigDecimal>, Integer> rateSetIndex = new HashMap<>();
    for (int i = 0; i < rateSets.size(); i++) {
      rateSetIndex.putIfAbsent(rateSets.get(i), i + 1);
    }
    for (int s = 0; s < shapes.size(); s++) {
      Shape shape = shapes.get(s);
      String owner = rateSetOwners.get(s);
      int[] tierSets = new int[shape.tiers().size()];
      for (int i = 0; i < tierSets.length; i++) {
        List<BigDecimal> c = shape.tiers().get(i).coefficients();
        tierSets[i] = rateSetIndex.computeIfAbsent(c, k -> {
          rateSets.add(k);
          rateSetOwners.add(owner);
          return rateSets.size();
        });
      }
      shapeTierRateSets.add(tierSets);
      maxTiers = Math.max(maxTiers, tierSets.length);
    }
    for (List<BigDecimal> set : rateSets) {
      scale = Math.max(scale, CostCoefficients.scale(set));
    }
    for (int i = 0; i < rateSets.size(); i++) {
      CostCoefficients.checkBounded(rateSets.get(i), scale, rateSetOwners.get(i));
    }
  }

  /**
   * Ids whose Java key (lower-cased) SQL's {@code lower(model)} reproduces: printable ASCII (which
   * {@code lower} folds like {@code toLowerCase(Locale.ROOT)}) without leading or trailing spaces
   * (which Java trims from the called name).
   */
  private static boolean matchableInSql(String id) {
    if (id.isEmpty() || id.charAt(0) == ' ' || id.charAt(id.length() - 1) == ' ') {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }

  private String render() {
    String e = "costpipe_e";
    String p = "costpipe_p";
    String r = "costpipe_r";

    StringJoiner providerNames = new StringJoiner(", ", "[", "]");
    StringJoiner providerNumbers = new StringJoiner(", ", "[", "]");
    for (int i = 0; i < providers.size(); i++) {
      providerNames.add(SqlLiterals.string(providers.get(i)));
      providerNumbers.add(Integer.toString(i + 1));
    }
    StringJoiner keys = new StringJoiner(", ", "[", "]");
    StringJoiner targets = new StringJoiner(", ", "[", "]");
    for (Map.Entry<Key, Integer> k : keyToEndpoint.entrySet()) {
      keys.add(SqlLiterals.string(providerIndex.get(k.getKey().provider()) + ":" + k.getKey().id()));
      int endpoint = k.getValue();
      targets.add(Integer.toString(maxPeriods == 1 ? endpointShapes.get(endpoint - 1).get(0) : endpoint));
    }
    // Every table column the lambdas need is bound once at the outermost level (see ClickHouseCostSql.let).
    List<String> names = new ArrayList<>();
    List<String> values = new ArrayList<>();
    String lookup = "transform(concat(toString(transform(provider, " + providerNames + ", " + providerNumbers
        + ", 0)), ':', lower(model)),\n " + keys + ",\n " + targets + ", 0)";

    // The rate set: the highest tier whose threshold input_tokens exceeds, else the shape's base (= p).
    String rateSet = p;
    if (maxTiers > 0) {
      String inputTokens = column("input_tokens", names, values);
      StringBuilder multiIf = new StringBuilder("multiIf(");
      for (int slot = maxTiers - 1; slot >= 0; slot--) {
        final int k = slot;
        // A shape with j tiers has tier i in slot maxTiers - j + i; the slots below are always-true
        // pads pointing at the base rate set, so the highest exceeded threshold wins as in PricePlan.
        String from = array(shapes.size(), s -> {
          int pad = maxTiers - shapes.get(s).tiers().size();
          if (k < pad) {
            return "0";
          }
          long above = shapes.get(s).tiers().get(k - pad).aboveInputTokens();
          return above < 0 ? "0" : Long.toUnsignedString(above + 1);
        });
        String set = array(shapes.size(), s -> {
          int pad = maxTiers - shapes.get(s).tiers().size();
          return Integer.toString(k < pad ? s + 1 : shapeTierRateSets.get(s)[k - pad]);
        });
        multiIf.append(inputTokens).append(" >= arrayElement(").append(from).append(", ").append(p)
            .append("), arrayElement(").append(set).append(", ").append(p).append("),\n ");
      }
      rateSet = multiIf.append(p).append(")").toString();
    }

    List<String> terms = new ArrayList<>();
    for (int c = 0; c < CostCoefficients.SIZE; c++) {
      final int coefficient = c;
      if (rateSets.stream().allMatch(set -> set.get(coefficient).signum() == 0)) {
        continue;
      }
      String rates = "arrayElement(CAST(" + array(rateSets.size(),
          i -> "'" + SqlLiterals.plain(rateSets.get(i).get(coefficient), scale) + "'")
          + " AS Array(Decimal(38, " + scale + "))), " + r + ")";
      terms.add(c == CostCoefficients.PER_REQUEST ? rates
          : column(CostCoefficients.COLUMNS.get(c), names, values) + " * " + rates);
    }
    String total = terms.isEmpty() ? SqlLiterals.decimal128(BigDecimal.ZERO, scale) : String.join("\n + ", terms);
    String cost = "if(" + p + " = 0, NULL,\n " + ClickHouseCostSql.let(r, rateSet,
        ClickHouseCostSql.roundHalfEven(total, scale)) + ")";

    if (maxPeriods == 1) {
      names.add(0, p);
      values.add(0, lookup);
      return ClickHouseCostSql.let(names, values, cost);
    }
    // Several periods: the lookup gives the endpoint; its period in force (started, not ended) picks the shape.
    String timestamp = "costpipe_timestamp";
    names.add(timestamp);
    values.add("toUInt32(timestamp)");
    StringBuilder plan = new StringBuilder("multiIf(");
    for (int k = maxPeriods - 1; k >= 1; k--) {
      final int period = k;
      String startArray = array(endpointStarts.size(), i -> {
        List<Long> starts = endpointStarts.get(i);
        return Long.toString(period < starts.size() ? clipStart(starts.get(period)) : NEVER);
      });
      String shapeArray = array(endpointShapes.size(), i -> {
        List<Integer> shapesOfEndpoint = endpointShapes.get(i);
        return Integer.toString(period < shapesOfEndpoint.size() ? shapesOfEndpoint.get(period) : 0);
      });
      String endArray = array(endpointEnds.size(), i -> {
        List<Long> ends = endpointEnds.get(i);
        return Long.toString(period < ends.size() ? Math.max(0, ends.get(period)) : NEVER);
      });
      plan.append(timestamp).append(" >= arrayElement(").append(startArray).append(", ").append(e)
          .append(") AND ").append(timestamp).append(" < arrayElement(").append(endArray).append(", ").append(e)
          .append("), arrayElement(").append(shapeArray).append(", ").append(e).append("),\n ");
    }
    plan.append("arrayElement(").append(array(endpointShapes.size(), i -> endpointShapes.get(i).get(0).toString()))
        .append(", ").append(e).append("))");
    names.add(0, e);
    values.add(0, lookup);
    return ClickHouseCostSql.let(names, values, ClickHouseCostSql.let(p, plan.toString(), cost));
  }

  /** The lambda parameter bound to a table column, binding it on first use. */
  private static String column(String column, List<String> names, List<String> values) {
    String name = "costpipe_" + column;
    if (!names.contains(name)) {
      names.add(name);
      values.add(column);
    }
    return name;
  }

  private static long clipStart(long fromSecond) {
    return fromSecond <= 0 ? 0 : Math.min(fromSecond, NEVER);
  }

  private static String array(int size, Function<Integer, String> element) {
    StringJoiner out = new StringJoiner(",", "[", "]");
    for (int i = 0; i < size; i++) {
      out.add(element.apply(i));
    }
    return out.toString();
  }
}
