package dev.costpipe.engine.usage;

import java.math.BigDecimal;

/**
 * What a processor read from a response: the usage (null when the provider reported none), the model
 * the provider says answered, the generated text (for estimation when usage is missing) and a cost
 * the provider itself reported (OpenRouter), if any.
 */
public record Extraction(Usage usage, String model, String outputText, BigDecimal providerCostUsd) {

  public static Extraction none(String model, String outputText) {
    return new Extraction(null, model, outputText, null);
  }
}
