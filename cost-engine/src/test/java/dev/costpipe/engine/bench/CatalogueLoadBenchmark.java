package dev.costpipe.engine.bench;

import dev.costpipe.engine.catalogue.Catalogue;
import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.pricing.PricingRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The built-in catalogue (curated and generated files, a few thousand entries): reading it, and building
 * the registry from it. {@code coldLoad} is what a CLI run pays once (a fresh JVM per fork, one shot);
 * the others are the warm costs, e.g. of a price reload in a running application.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CatalogueLoadBenchmark {
  /** Run from the repository root (as cost-engine/jmh.sh does) or from cost-engine. */
  private static final Path DIR = Path.of("cost-engine/src/main/resources/catalogue").toFile().isDirectory()
      ? Path.of("cost-engine/src/main/resources/catalogue") : Path.of("src/main/resources/catalogue");

  /** The catalogue read once, for the registry build alone (the cold load must find nothing read yet). */
  @State(Scope.Benchmark)
  public static class Loaded {
    Catalogue catalogue;

    @Setup
    public void setUp() throws IOException {
      catalogue = CatalogueLoader.load(DIR);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  @Fork(10)
  public PricingRegistry coldLoad() throws IOException {
    return PricingRegistry.of(CatalogueLoader.load(DIR).entries());
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Catalogue warmLoad() throws IOException {
    return CatalogueLoader.load(DIR);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public PricingRegistry warmRegistryBuild(Loaded loaded) {
    return PricingRegistry.of(loaded.catalogue.entries());
  }
}
