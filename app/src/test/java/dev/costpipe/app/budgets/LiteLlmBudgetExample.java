package dev.costpipe.app.budgets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs docs/budgets.md's LiteLLM example ({@code deploy/examples/litellm_costpipe_budget.py}) with python3 against
 * a costpipe URL: its check alone, as the docs tell a user to try it, and its pre-call hook with LiteLLM stubbed.
 */
final class LiteLlmBudgetExample {
  private static final Path EXAMPLE = Path.of("..", "deploy", "examples", "litellm_costpipe_budget.py");

  /** What the script printed and its exit code. */
  record Run(int exit, String output) {}

  private final String costpipeUrl;
  private final String token;

  LiteLlmBudgetExample(String costpipeUrl) {
    this(costpipeUrl, null);
  }

  /** @param token its {@code COSTPIPE_TOKEN} (null: none) */
  LiteLlmBudgetExample(String costpipeUrl, String token) {
    this.costpipeUrl = costpipeUrl;
    this.token = token;
  }

  /** {@code python3 litellm_costpipe_budget.py USER_ID COST}: exit 1 when denied, else 0. */
  Run check(String userId, String estimatedCostUsd) throws Exception {
    return python(null, EXAMPLE.toString(), userId, estimatedCostUsd);
  }

  /**
   * The hook on a call of {@code userId} to the proxy's model {@code fast}: {"forwarded": true} or {"status": 429,
   * "detail": …}.
   */
  Run hook(String userId) throws Exception {
    return hook(userId, null);
  }

  /** As above with {@code COSTPIPE_MODELS} (JSON: the proxy's model names → costpipe's; null: unset). */
  Run hook(String userId, String models) throws Exception {
    Path driver = Path.of(LiteLlmBudgetExample.class.getResource("/budgets/run_litellm_hook.py").toURI());
    return python(models, driver.toString(), EXAMPLE.toString(), userId);
  }

  private Run python(String models, String... args) throws Exception {
    if (!Files.isRegularFile(EXAMPLE)) {
      throw new IllegalStateException(EXAMPLE.toAbsolutePath() + " not found (tests run from the app module)");
    }
    List<String> command = new ArrayList<>(List.of("python3"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("COSTPIPE_URL", costpipeUrl);
    builder.environment().put("COSTPIPE_TIMEOUT_S", "5");
    if (models == null) {
      builder.environment().remove("COSTPIPE_MODELS");
    } else {
      builder.environment().put("COSTPIPE_MODELS", models);
    }
    if (token == null) {
      builder.environment().remove("COSTPIPE_TOKEN");
    } else {
      builder.environment().put("COSTPIPE_TOKEN", token);
    }
    Process p;
    try {
      p = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("python3 is needed to run the LiteLLM budget example: " + e.getMessage(), e);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("python3 " + String.join(" ", args) + " did not end within 60 s");
    }
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
