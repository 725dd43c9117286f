package dev.costpipe.engine.provider;

import dev.costpipe.engine.catalogue.ProviderInfo;
import java.util.List;
import java.util.Optional;

/** Detects the provider of a call from its target URL, by the catalogue's table of URL patterns. */
public final class ProviderDetector {
  private final List<ProviderInfo> providers;

  public ProviderDetector(List<ProviderInfo> providers) {
    this.providers = List.copyOf(providers);
  }

  public Optional<String> detect(String targetUrl) {
    if (targetUrl == null || targetUrl.isBlank()) {
      return Optional.empty();
    }
    for (ProviderInfo p : providers) {
      if (p.apiPattern().matcher(targetUrl).find()) {
        return Optional.of(p.id());
      }
    }
    return Optional.empty();
  }
}
