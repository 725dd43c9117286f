package dev.costpipe.devtools.generate;

/**
 * What the traffic generator produces, besides its fixed provider/model mix.
 *
 * @param seed the only source of randomness: the same seed (and timestamps) gives the same bytes
 * @param streamedRatio share of requests that are streamed (chunks, then a response without body)
 * @param chunksPerStream mean number of chunk events per streamed request (at least the provider's
 *     framing events plus one content delta)
 * @param unknownModelRatio share of requests calling a model the built-in catalogue does not know
 * @param malformedRatio share of events that are malformed (sent in addition to the request's good
 *     events, so every good request still completes)
 * @param cacheHitRatio share of requests served from a response cache ({@code "cache_hit": true})
 */
public record GeneratorSettings(long seed, double streamedRatio, int chunksPerStream, double unknownModelRatio,
    double malformedRatio, double cacheHitRatio) {

  public GeneratorSettings {
    ratio("streamedRatio", streamedRatio);
    ratio("unknownModelRatio", unknownModelRatio);
    ratio("malformedRatio", malformedRatio);
    ratio("cacheHitRatio", cacheHitRatio);
    if (chunksPerStream < 1) {
      throw new IllegalArgumentException("chunksPerStream must be at least 1, got " + chunksPerStream);
    }
  }

  /** About 30% streamed with ~20 chunks each, 1% unknown models, 0.5% malformed events, 3% response cache hits. */
  public static GeneratorSettings defaults(long seed) {
    return new GeneratorSettings(seed, 0.30, 20, 0.01, 0.005, 0.03);
  }

  private static void ratio(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be between 0 and 1, got " + value);
    }
  }
}
