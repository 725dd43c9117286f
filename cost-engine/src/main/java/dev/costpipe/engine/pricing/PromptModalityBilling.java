package dev.costpipe.engine.pricing;

import dev.costpipe.engine.usage.Usage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Image and video prompt tokens whose price gives them no rate of their own are priced at the input rate
 * ({@link Rates#withFallbacks()}). That is the bill where the provider says so: Google (Gemini API and Vertex
 * AI) lists one input price for "text / image / video" and a price of its own only for the models that bill
 * them apart (Live models, embeddings), which the catalogues carry. A provider that reports image tokens apart
 * in an OpenAI-shaped usage (OpenAI's Images API and Realtime, {@code image_tokens}) does so for models that
 * price them apart, so there a missing rate means the bill is unknown: the tokens are flagged
 * ({@code unpriced usage: image_input_tokens=<n>}), still priced at the input rate.
 */
public final class PromptModalityBilling {
  /** Providers that bill image and video prompt tokens at the text input rate unless priced apart. */
  private static final Set<String> TEXT_RATE_PROVIDERS = Set.of("google", "vertex");

  private PromptModalityBilling() {}

  /** The image/video prompt counts of {@code usage} whose rate {@code period} does not know at {@code provider}. */
  public static List<String> unpriced(String provider, PricePeriod period, Usage usage) {
    if ((usage.imageInputTokens() == 0 && usage.videoInputTokens() == 0) || TEXT_RATE_PROVIDERS.contains(provider)) {
      return List.of();
    }
    List<String> out = new ArrayList<>(2);
    if (usage.imageInputTokens() > 0 && !gives(period, true)) {
      out.add("image_input_tokens=" + usage.imageInputTokens());
    }
    if (usage.videoInputTokens() > 0 && !gives(period, false)) {
      out.add("video_input_tokens=" + usage.videoInputTokens());
    }
    return out;
  }

  /** Whether the period's base or a context tier gives the image (else video) input rate. */
  private static boolean gives(PricePeriod period, boolean image) {
    if (rate(period.rates(), image) != null) {
      return true;
    }
    for (PriceTier t : period.tiers()) {
      if (rate(t.rates(), image) != null) {
        return true;
      }
    }
    return false;
  }

  private static BigDecimal rate(Rates r, boolean image) {
    return image ? r.imageInput() : r.videoInput();
  }
}
