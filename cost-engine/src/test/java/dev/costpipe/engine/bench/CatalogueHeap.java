package dev.costpipe.engine.bench;

import dev.costpipe.engine.catalogue.Catalogue;
import dev.costpipe.engine.catalogue.CatalogueLoader;
import dev.costpipe.engine.pricing.PricingRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The heap the built-in catalogue keeps: used heap after full GCs before loading it and after building
 * its registry (the loaded entries and the registry's maps and compiled price plans).
 * {@code java -cp <test classpath> dev.costpipe.engine.bench.CatalogueHeap}
 */
public final class CatalogueHeap {
  private CatalogueHeap() {}

  public static void main(String[] args) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = settledUsed(memory);
    long start = System.nanoTime();
    Catalogue catalogue = CatalogueLoader.builtIn();
    long loaded = System.nanoTime();
    PricingRegistry registry = PricingRegistry.of(catalogue.entries());
    long built = System.nanoTime();
    long after = settledUsed(memory);
    long endpoints = catalogue.entries().stream().mapToLong(e -> e.endpoints().size()).sum();
    System.out.printf("built-in catalogue: %d entries, %d endpoints, %d providers%n", registry.size(), endpoints,
        catalogue.providers().size());
    System.out.printf("first load %d ms, registry build %d ms (cold JVM)%n", (loaded - start) / 1_000_000,
        (built - loaded) / 1_000_000);
    System.out.printf("retained heap: %.1f MB (%.1f KB per entry)%n", (after - before) / 1e6,
        (after - before) / 1e3 / registry.size());
  }

  private static long settledUsed(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
