package dev.costpipe.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What can be checked of {@code deploy/docker/Dockerfile} without a Docker engine. */
class DockerfileTest {
  @Test
  void runsTheShadedJarOnAJava17JreAsANonRootUser() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("docker/Dockerfile")).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    assertThat(lines.get(0)).isEqualTo("FROM eclipse-temurin:17-jre");
    assertThat(lines).contains("COPY --chown=10001:10001 deploy/target/costpipe.jar /app/costpipe.jar",
        "USER 10001:10001", "ENTRYPOINT [\"java\", \"-jar\", \"costpipe.jar\"]");
    assertThat(lines).anyMatch(l -> l.startsWith("ENV JAVA_TOOL_OPTIONS=") && l.contains("-XX:MaxRAMPercentage="));
    // the jar the Dockerfile copies is the one this module's build makes
    assertThat(Files.readString(Path.of("pom.xml"))).contains("<finalName>costpipe</finalName>");
    assertThat(Files.readString(Path.of("docker/Dockerfile.dockerignore"))).contains("!deploy/target/costpipe.jar");
  }
}
