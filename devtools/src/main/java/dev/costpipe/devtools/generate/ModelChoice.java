package dev.costpipe.devtools.generate;

/**
 * One model the generator calls.
 *
 * @param provider costpipe provider id
 * @param model the model id as the caller names it (request body or URL)
 * @param responseModel the id the provider answers with (often a dated snapshot)
 * @param weight relative share of traffic
 * @param cachesPrompts whether the provider reports prompt-cache reads for it
 * @param reasons whether it spends reasoning tokens
 * @param openRouterUsdPerMillion for OpenRouter models: the input and output price the generated
 *     {@code usage.cost} is computed from; null otherwise
 */
record ModelChoice(String provider, String model, String responseModel, int weight, boolean cachesPrompts,
    boolean reasons, String[] openRouterUsdPerMillion) {

  static ModelChoice of(String provider, String model, String responseModel, int weight, boolean cachesPrompts,
      boolean reasons) {
    return new ModelChoice(provider, model, responseModel, weight, cachesPrompts, reasons, null);
  }

  ModelChoice renamed(String unknownModel) {
    return new ModelChoice(provider, unknownModel, unknownModel, weight, cachesPrompts, reasons,
        openRouterUsdPerMillion);
  }
}
