package dev.costpipe.engine.usage.processors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.costpipe.engine.event.BadEventException;
import java.math.BigDecimal;

/** OpenRouter: OpenAI's shape plus {@code usage.cost}, the USD it charged, taken as is. */
public final class OpenRouterUsageProcessor extends OpenAiChatUsageProcessor {

  @Override
  protected BigDecimal providerCost(JsonNode usage) {
    JsonNode cost = usage.get("cost");
    if (cost == null || cost.isNull()) {
      return null;
    }
    if (!cost.isNumber() || cost.decimalValue().signum() < 0) {
      throw new BadEventException("invalid_usage", "usage.cost must be a number >= 0");
    }
    return cost.decimalValue();
  }
}
