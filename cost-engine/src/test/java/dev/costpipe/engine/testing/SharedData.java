package dev.costpipe.engine.testing;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The upstream catalogues kept outside the repository, in {@code <repo root>/../shared/data/}. */
public final class SharedData {
  private SharedData() {}

  public static Path file(String name) {
    Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    List<Path> candidates = List.of(cwd.resolve("../../shared/data/" + name).normalize(),
        cwd.resolve("../shared/data/" + name).normalize());
    for (Path c : candidates) {
      if (Files.isRegularFile(c)) {
        return c;
      }
    }
    return fail("shared data file " + name + " not found; looked for " + candidates + " (user.dir=" + cwd
        + "). It lives outside the repository at <repo root>/../shared/data/" + name);
  }
}
