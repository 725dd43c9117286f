package dev.costpipe.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.costpipe.app.cli.CostpipeCommand;
import dev.costpipe.clickhouse.sink.ClickHouseSinkConfig;
import dev.costpipe.contracts.settings.CostpipeSettings;
import dev.costpipe.notify.NotifierConfig;
import dev.costpipe.topology.TopologyConfig;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Everything about {@code deploy/k8s} that can be checked without a cluster: every manifest parses, every
 * ConfigMap and Secret a pod uses exists or is documented as operator-provided, the container arguments
 * are real {@code costpipe} commands (picocli parses them), each component's config file loads with the
 * component's own config reader, probes and scrape annotations point at the component's metrics port.
 */
class KubernetesManifestsTest {
  private static final Path DIR = Path.of("k8s");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** component (the app.kubernetes.io/component label) → health and metrics port. */
  private static final Map<String, Integer> PORTS = Map.of("run", 9464, "sink-clickhouse", 9465, "notify", 9466);
  private static final Map<String, List<String>> COMMANDS = Map.of(
      "run", List.of("run"), "sink-clickhouse", List.of("sink", "clickhouse"), "notify", List.of("notify"));

  private static final List<JsonNode> DOCS = new ArrayList<>();

  @TempDir
  Path tmp;

  @BeforeAll
  static void parseEveryManifest() throws Exception {
    JsonNode kustomization = YAML.readTree(DIR.resolve("kustomization.yaml").toFile());
    List<String> resources = new ArrayList<>();
    kustomization.path("resources").forEach(r -> resources.add(r.asText()));
    try (var files = Files.list(DIR)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
          .filter(n -> !n.equals("kustomization.yaml"))).as("manifests listed in kustomization.yaml")
          .containsExactlyInAnyOrderElementsOf(resources);
    }
    for (String file : resources) {
      try (var parser = YAML.getFactory().createParser(DIR.resolve(file).toFile())) {
        YAML.readValues(parser, JsonNode.class).forEachRemaining(doc -> {
          assertThat(doc.path("apiVersion").asText()).as(file).isNotEmpty();
          assertThat(doc.path("kind").asText()).as(file).isNotEmpty();
          assertThat(doc.path("metadata").path("name").asText()).as(file).startsWith("costpipe-");
          DOCS.add(doc);
        });
      }
    }
  }

  private static List<JsonNode> kind(String... kinds) {
    Set<String> wanted = Set.of(kinds);
    return DOCS.stream().filter(d -> wanted.contains(d.path("kind").asText())).toList();
  }

  private static JsonNode byName(String kind, String name) {
    return kind(kind).stream().filter(d -> d.path("metadata").path("name").asText().equals(name)).findFirst()
        .orElse(null);
  }

  private static String component(JsonNode workload) {
    return workload.path("spec").path("template").path("metadata").path("labels")
        .path("app.kubernetes.io/component").asText();
  }

  private static JsonNode container(JsonNode workload) {
    JsonNode containers = workload.path("spec").path("template").path("spec").path("containers");
    assertThat(containers.size()).as(name(workload)).isEqualTo(1);
    return containers.get(0);
  }

  private static String name(JsonNode doc) {
    return doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
  }

  @Test
  void oneWorkloadPerComponentRunningARealCostpipeCommand() {
    List<JsonNode> workloads = kind("Deployment", "StatefulSet");
    assertThat(workloads.stream().map(KubernetesManifestsTest::component)).containsExactlyInAnyOrderElementsOf(
        PORTS.keySet());
    for (JsonNode w : workloads) {
      List<String> args = new ArrayList<>();
      container(w).path("args").forEach(a -> args.add(a.asText()));
      ParseResult parsed = new CommandLine(new CostpipeCommand()).parseArgs(args.toArray(String[]::new));
      List<String> path = new ArrayList<>();
      for (ParseResult r = parsed.subcommand(); r != null; r = r.subcommand()) {
        path.add(r.commandSpec().name());
      }
      assertThat(path).as(name(w) + " " + args).isEqualTo(COMMANDS.get(component(w)));
      assertThat(container(w).path("image").asText()).isEqualTo("costpipe");
    }
  }

  @Test
  void eachComponentsConfigFileIsMountedAndLoadsWithItsOwnReader() throws Exception {
    for (JsonNode w : kind("Deployment", "StatefulSet")) {
      JsonNode c = container(w);
      List<String> args = new ArrayList<>();
      c.path("args").forEach(a -> args.add(a.asText()));
      String configPath = args.get(args.indexOf("--config") + 1);
      String text = mountedConfigMapFile(w, configPath);
      assertThat(text).as(name(w) + ": " + configPath + " comes from a ConfigMap").isNotNull();
      switch (component(w)) {
        case "run" -> {
          Properties p = properties(text);
          TopologyConfig.from(p);
          assertThat(p.getProperty("bootstrap.servers")).isNotBlank();
          String stateDir = p.getProperty("state.dir");
          assertThat(mountOf(c, stateDir)).as("state.dir " + stateDir + " is the mount of the volume claim")
              .isEqualTo(w.path("spec").path("volumeClaimTemplates").get(0).path("metadata").path("name").asText());
          assertThat(w.path("kind").asText()).isEqualTo("StatefulSet");
        }
        case "sink-clickhouse" -> {
          Properties p = properties(text);
          String passwordFile = p.getProperty("costpipe.sink.clickhouse.password-file");
          Path dir = Path.of(passwordFile).getParent();
          JsonNode volume = volume(w, mountOf(c, dir.toString()));
          assertThat(volume.path("secret").path("items").findValuesAsText("path"))
              .as("the password file is a key of a mounted Secret").contains(Path.of(passwordFile).getFileName().toString());
          p.setProperty("costpipe.sink.clickhouse.password-file",
              Files.writeString(tmp.resolve("password"), "not-the-real-one").toString());
          assertThat(ClickHouseSinkConfig.from(p).table("request_costs")).isEqualTo("costpipe.request_costs");
        }
        case "notify" -> {
          // every *_env the config names must be set in the container; load() fails on a missing one
          Set<String> declared = new HashSet<>(c.path("env").findValuesAsText("name"));
          Path file = Files.writeString(tmp.resolve("notifier.yml"), text);
          NotifierConfig config = NotifierConfig.load(file,
              env -> declared.contains(env) ? "https://" + env.toLowerCase(Locale.ROOT).replace('_', '-') + ".example/x" : null);
          assertThat(config.toString()).contains("ops-slack=slack", "audit-hook=webhook", "finance-email=email");
        }
        default -> throw new AssertionError("unexpected component " + component(w));
      }
    }
  }

  @Test
  void everyComponentListensOnAllInterfacesInItsPodOnly() throws Exception {
    for (JsonNode w : kind("Deployment", "StatefulSet")) {
      Map<String, String> env = new HashMap<>();
      container(w).path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
      assertThat(env).as(name(w) + ": probes and scrapes come from outside the pod")
          .containsEntry("COSTPIPE_HTTP_BIND__ADDRESS", "0.0.0.0");
    }
    assertThat(CostpipeSettings.HTTP_BIND_ADDRESS.defaultValue())
        .as("everywhere else: loopback").isEqualTo("127.0.0.1");
  }

  @Test
  void runPodsTellEachOtherWhereToForwardQueriesAndKeepStandbys() throws Exception {
    JsonNode run = byName("StatefulSet", "costpipe-run");
    Map<String, JsonNode> env = new HashMap<>();
    container(run).path("env").forEach(e -> env.put(e.path("name").asText(), e));
    assertThat(env.get("POD_IP").path("valueFrom").path("fieldRef").path("fieldPath").asText())
        .isEqualTo("status.podIP");
    assertThat(env.get("COSTPIPE_KAFKA_APPLICATION_SERVER").path("value").asText())
        .as("application.server: the pod's IP and the port of its HTTP server").isEqualTo("$(POD_IP):" + PORTS.get("run"));
    Properties config = properties(mountedConfigMapFile(run, "/etc/costpipe/costpipe.properties"));
    assertThat(Integer.parseInt(config.getProperty("num.standby.replicas"))).isPositive();
    JsonNode budgets = byName("Service", "costpipe-run-budgets");
    assertThat(budgets.path("spec").path("selector")).isEqualTo(run.path("spec").path("selector").path("matchLabels"));
    assertThat(budgets.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo("metrics");
  }

  /**
   * The run pods serve each user's spend (/v1/budgets, /v1/totals) on every interface: only with a tokens file, a
   * key of a mounted Secret, the same in every pod (a forwarded query carries the caller's token to the owner).
   */
  @Test
  void runPodsServeSpendOnlyToHoldersOfATokenFromAMountedSecret() throws Exception {
    JsonNode run = byName("StatefulSet", "costpipe-run");
    Properties config = properties(mountedConfigMapFile(run, "/etc/costpipe/costpipe.properties"));
    String tokensFile = config.getProperty(CostpipeSettings.HTTP_TOKENS_FILE.key());
    assertThat(tokensFile).as("costpipe.http.tokens-file of run").isNotBlank();
    Path file = Path.of(tokensFile);
    JsonNode volume = volume(run, mountOf(container(run), file.getParent().toString()));
    assertThat(volume.path("secret").path("secretName").asText()).isEqualTo("costpipe-run-tokens");
    assertThat(volume.path("secret").path("items").findValuesAsText("path"))
        .as("the tokens file is a key of the mounted Secret").contains(file.getFileName().toString());
  }

  @Test
  void probesAndScrapeAnnotationsUseTheComponentsMetricsPort() {
    for (JsonNode w : kind("Deployment", "StatefulSet")) {
      int port = PORTS.get(component(w));
      JsonNode c = container(w);
      assertThat(c.path("ports").findValuesAsText("name")).as(name(w)).containsExactly("metrics");
      assertThat(c.path("ports").get(0).path("containerPort").asInt()).as(name(w)).isEqualTo(port);
      assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/live");
      assertThat(c.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("metrics");
      assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/health/ready");
      assertThat(c.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("metrics");
      JsonNode annotations = w.path("spec").path("template").path("metadata").path("annotations");
      assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
      assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(Integer.toString(port));
      assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
      for (String kind : List.of("requests", "limits")) {
        assertThat(c.path("resources").path(kind).path("cpu").asText()).as(name(w) + " " + kind).isNotEmpty();
        assertThat(c.path("resources").path(kind).path("memory").asText()).as(name(w) + " " + kind).isNotEmpty();
      }
    }
  }

  @Test
  void everyConfigMapAndSecretAPodUsesExistsOrIsDocumentedAsOperatorProvided() throws Exception {
    Map<String, Set<String>> documented = operatorProvidedSecrets();
    for (JsonNode w : kind("Deployment", "StatefulSet")) {
      JsonNode pod = w.path("spec").path("template").path("spec");
      for (JsonNode v : pod.path("volumes")) {
        if (v.has("configMap")) {
          JsonNode cm = byName("ConfigMap", v.path("configMap").path("name").asText());
          assertThat(cm).as(name(w) + " volume " + v.path("name")).isNotNull();
        }
        if (v.has("secret")) {
          String secret = v.path("secret").path("secretName").asText();
          assertThat(documented).as(name(w) + " Secret " + secret).containsKey(secret);
          assertThat(documented.get(secret)).containsAll(v.path("secret").path("items").findValuesAsText("key"));
        }
      }
      for (JsonNode ref : container(w).path("env").findValues("secretKeyRef")) {
        String secret = ref.path("name").asText();
        assertThat(documented).as(name(w) + " Secret " + secret).containsKey(secret);
        assertThat(documented.get(secret)).as(secret).contains(ref.path("key").asText());
      }
      for (JsonNode mount : container(w).path("volumeMounts")) {
        String volume = mount.path("name").asText();
        boolean declared = pod.path("volumes").findValuesAsText("name").contains(volume)
            || w.path("spec").path("volumeClaimTemplates").findValuesAsText("name").contains(volume);
        assertThat(declared).as(name(w) + " mounts " + volume).isTrue();
      }
    }
    assertThat(kind("Secret")).as("no credentials in the manifests").isEmpty();
  }

  @Test
  void selectorsPodDisruptionBudgetsAndSecurityContextsFitTheWorkloads() throws Exception {
    String dockerfile = Files.readString(Path.of("docker/Dockerfile"));
    Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(dockerfile);
    assertThat(user.find()).as("the Dockerfile's USER").isTrue();
    for (JsonNode w : kind("Deployment", "StatefulSet")) {
      JsonNode selector = w.path("spec").path("selector").path("matchLabels");
      JsonNode labels = w.path("spec").path("template").path("metadata").path("labels");
      selector.fields().forEachRemaining(e -> assertThat(labels.path(e.getKey())).isEqualTo(e.getValue()));
      List<JsonNode> budgets = kind("PodDisruptionBudget").stream()
          .filter(pdb -> pdb.path("spec").path("selector").path("matchLabels").equals(selector)).toList();
      assertThat(budgets).as(name(w) + " has one PodDisruptionBudget").hasSize(1);
      assertThat(w.path("spec").path("replicas").asInt()).isPositive();
      JsonNode security = w.path("spec").path("template").path("spec").path("securityContext");
      assertThat(security.path("runAsNonRoot").asBoolean()).as(name(w)).isTrue();
      assertThat(security.path("runAsUser").asText()).isEqualTo(user.group(1));
      assertThat(container(w).path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
      assertThat(mountOf(container(w), "/tmp")).as(name(w) + ": a writable /tmp").isNotNull();
      if (w.path("kind").asText().equals("StatefulSet")) {
        JsonNode service = byName("Service", w.path("spec").path("serviceName").asText());
        assertThat(service).as(name(w) + " serviceName").isNotNull();
        assertThat(service.path("spec").path("selector")).isEqualTo(selector);
      }
    }
  }

  @Test
  void theClickHouseHousekeepingRunsDailyAsCronJobsWithTheSinksConfigAndSecret() throws Exception {
    // docs/clickhouse.md asks for sum-days and retention daily after midnight UTC; the report's ≤ 3 s relies on sum-days
    Map<String, List<String>> commands = Map.of(
        "costpipe-clickhouse-sum-days", List.of("clickhouse", "sum-days"),
        "costpipe-clickhouse-retention", List.of("clickhouse", "retention"));
    assertThat(kind("CronJob").stream().map(j -> j.path("metadata").path("name").asText()))
        .containsExactlyInAnyOrderElementsOf(commands.keySet());
    Map<String, Set<String>> documented = operatorProvidedSecrets();
    Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(Files.readString(Path.of("docker/Dockerfile")));
    assertThat(user.find()).as("the Dockerfile's USER").isTrue();
    for (JsonNode cronJob : kind("CronJob")) {
      String job = name(cronJob);
      JsonNode spec = cronJob.path("spec");
      assertThat(spec.path("concurrencyPolicy").asText()).as(job).isEqualTo("Forbid");
      assertThat(spec.path("timeZone").asText()).as(job).isEqualTo("Etc/UTC");
      String[] schedule = spec.path("schedule").asText().split(" ");
      assertThat(schedule).as(job + ": minute and hour of every day").hasSize(5);
      assertThat(Arrays.copyOfRange(schedule, 2, 5)).as(job + ": every day").containsOnly("*");
      assertThat(Integer.parseInt(schedule[1])).as(job + ": the hour after midnight UTC").isZero();

      JsonNode jobTemplate = spec.path("jobTemplate"); // holds spec.template.spec as a Deployment does
      JsonNode pod = jobTemplate.path("spec").path("template").path("spec");
      assertThat(pod.path("restartPolicy").asText()).as(job).isIn("Never", "OnFailure");
      assertThat(jobTemplate.path("spec").path("activeDeadlineSeconds").asInt()).as(job).isPositive();
      JsonNode c = container(jobTemplate);
      assertThat(c.path("image").asText()).isEqualTo("costpipe");
      List<String> args = new ArrayList<>();
      c.path("args").forEach(a -> args.add(a.asText()));
      ParseResult parsed = new CommandLine(new CostpipeCommand()).parseArgs(args.toArray(String[]::new));
      List<String> path = new ArrayList<>();
      for (ParseResult r = parsed.subcommand(); r != null; r = r.subcommand()) {
        path.add(r.commandSpec().name());
      }
      assertThat(path).as(job + " " + args).isEqualTo(commands.get(cronJob.path("metadata").path("name").asText()));

      String configPath = args.get(args.indexOf("--config") + 1);
      String text = mountedConfigMapFile(jobTemplate, configPath);
      assertThat(text).as(job + ": " + configPath + " is the sink's ConfigMap")
          .isEqualTo(mountedConfigMapFile(byName("Deployment", "costpipe-sink-clickhouse"), configPath));
      Properties p = properties(text);
      String passwordFile = p.getProperty("costpipe.sink.clickhouse.password-file");
      JsonNode secret = volume(jobTemplate, mountOf(c, Path.of(passwordFile).getParent().toString())).path("secret");
      assertThat(secret.path("items").findValuesAsText("path")).as(job + ": the password file is a key of a mounted Secret")
          .contains(Path.of(passwordFile).getFileName().toString());
      assertThat(documented).as(job + " Secret").containsKey(secret.path("secretName").asText());
      assertThat(documented.get(secret.path("secretName").asText())).containsAll(secret.path("items").findValuesAsText("key"));
      p.setProperty("costpipe.sink.clickhouse.password-file",
          Files.writeString(tmp.resolve("password"), "not-the-real-one").toString());
      assertThat(ClickHouseSinkConfig.from(p).table("request_costs")).isEqualTo("costpipe.request_costs");
      if (path.contains("retention") && !args.contains("--keep")) {
        // it deletes data: it runs only once the operator has set a retention (without one it drops nothing, fails)
        assertThat(spec.path("suspend").asBoolean() || CostpipeSettings.SINK_RETENTION.read(p) != null)
            .as(job + ": suspended until a retention is set").isTrue();
        assertThat(CostpipeSettings.SINK_RETENTION.read(p)).as("no retention chosen for the user").isNull();
      }

      for (String kind : List.of("requests", "limits")) {
        assertThat(c.path("resources").path(kind).path("cpu").asText()).as(job + " " + kind).isNotEmpty();
        assertThat(c.path("resources").path(kind).path("memory").asText()).as(job + " " + kind).isNotEmpty();
      }
      assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as(job).isTrue();
      assertThat(pod.path("securityContext").path("runAsUser").asText()).isEqualTo(user.group(1));
      assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).as(job).isTrue();
      assertThat(mountOf(c, "/tmp")).as(job + ": a writable /tmp").isNotNull();
      for (JsonNode mount : c.path("volumeMounts")) {
        assertThat(pod.path("volumes").findValuesAsText("name")).as(job + " mounts").contains(mount.path("name").asText());
      }
    }
  }

  /** The file at {@code path}, when a ConfigMap volume is mounted at its directory and has it as a key. */
  private static String mountedConfigMapFile(JsonNode workload, String path) {
    Path p = Path.of(path);
    String volume = mountOf(container(workload), p.getParent().toString());
    JsonNode cm = byName("ConfigMap", volume(workload, volume).path("configMap").path("name").asText());
    return cm == null ? null : cm.path("data").path(p.getFileName().toString()).textValue();
  }

  private static String mountOf(JsonNode container, String path) {
    for (JsonNode m : container.path("volumeMounts")) {
      if (m.path("mountPath").asText().equals(path)) {
        return m.path("name").asText();
      }
    }
    return null;
  }

  private static JsonNode volume(JsonNode workload, String name) {
    for (JsonNode v : workload.path("spec").path("template").path("spec").path("volumes")) {
      if (v.path("name").asText().equals(name)) {
        return v;
      }
    }
    throw new AssertionError(name(workload) + " has no volume " + name);
  }

  private static Properties properties(String text) throws Exception {
    Properties p = new Properties();
    p.load(new StringReader(text));
    return p;
  }

  /** The README's table of operator-provided Secrets: name → keys. */
  private static Map<String, Set<String>> operatorProvidedSecrets() throws Exception {
    String readme = Files.readString(DIR.resolve("README.md"));
    String section = readme.substring(readme.indexOf("## Operator-provided Secrets"));
    Map<String, Set<String>> out = new HashMap<>();
    Matcher row = Pattern.compile("(?m)^\\| `([a-z0-9-]+)` \\| ([^|]+) \\|").matcher(section);
    while (row.find()) {
      Matcher key = Pattern.compile("`([a-z0-9-]+)`").matcher(row.group(2));
      Set<String> keys = new TreeSet<>();
      while (key.find()) {
        keys.add(key.group(1));
      }
      out.put(row.group(1), keys);
    }
    assertThat(out).as("operator-provided Secrets documented in k8s/README.md").isNotEmpty();
    return out.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
