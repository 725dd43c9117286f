package dev.costpipe.engine.usage;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a processor read from a response: the usage (null when the provider reported none), the model
 * the provider says answered, the generated text (for estimation when usage is missing), a cost the
 * provider itself reported (OpenRouter), if any, and the non-zero counts the response reports that may
 * be billed but have no price dimension (e.g. Anthropic's {@code code_execution_requests}), by their
 * field name: they are flagged on the record, never dropped silently.
 */
public record Extraction(Usage usage, String model, String outputText, BigDecimal providerCostUsd,
    Map<String, Long> unpricedCounts) {

  public Extraction {
    // sorted: the record's errors list them in a stable order
    unpricedCounts = unpricedCounts == null || unpricedCounts.isEmpty() ? Map.of()
        : Collections.unmodifiableMap(new TreeMap<>(unpricedCounts));
  }

  public Extraction(Usage usage, String model, String outputText, BigDecimal providerCostUsd) {
    this(usage, model, outputText, providerCostUsd, Map.of());
  }

  public static Extraction none(String model, String outputText) {
    return new Extraction(null, model, outputText, null);
  }
}
