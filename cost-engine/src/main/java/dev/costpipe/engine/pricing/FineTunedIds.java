package dev.costpipe.engine.pricing;

import java.util.Locale;

/**
 * OpenAI's fine-tuned model ids, {@code ft:<base model>:<org>:<suffix>:<id>}. Fine-tuned inference has
 * its own rates: such an id resolves to the catalogue's {@code ft:<base>} entry (LiteLLM lists them by
 * the dated base, {@code ft:gpt-4.1-mini-2025-04-14}) and, when there is none, to the base model, which
 * the cost record then flags ({@code fine-tuned model priced at base rates}): the base rate is a lower
 * bound, never a silent price.
 */
public final class FineTunedIds {
  static final String PREFIX = "ft:";

  private FineTunedIds() {}

  public static boolean isFineTuned(String id) {
    return id != null && id.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }

  /** The base model of a fine-tuned id ({@code gpt-4.1-mini} of {@code ft:gpt-4.1-mini:org::abc}). */
  static String base(String id) {
    String rest = id.substring(PREFIX.length());
    int colon = rest.indexOf(':');
    return (colon < 0 ? rest : rest.substring(0, colon)).toLowerCase(Locale.ROOT);
  }

  /** Whether an endpoint lists fine-tuned ids (its entry is the fine-tuned price, whatever its key). */
  public static boolean listsFineTuned(Endpoint endpoint) {
    return endpoint.ids().stream().anyMatch(FineTunedIds::isFineTuned);
  }
}
