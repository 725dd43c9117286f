package dev.costpipe.devtools.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Who calls: users (a few heavy ones, many light ones) on free or premium tiers, and the multi-step
 * sessions they run, each with a name, a feature and paths, tagged with Helicone's headers.
 */
final class Callers {
  private static final int USERS = 500;
  private static final int OPEN_SESSIONS = 60;
  private static final double SESSION_SHARE = 0.85;
  private static final double CONTINUE_SESSION = 0.7;
  private static final double STICKY_MODEL = 0.85;

  /** A kind of session an application runs: its name, the feature it belongs to and its steps. */
  record Flow(String name, String feature, String purpose, List<String> paths) {}

  private static final List<Flow> FLOWS = List.of(
      new Flow("support-chat", "support-bot", "You are the customer support assistant of an online shop.",
          List.of("/triage", "/triage/lookup-order", "/answer", "/answer/follow-up", "/escalate")),
      new Flow("code-review", "code-review", "You review pull requests for correctness, security and style.",
          List.of("/diff-summary", "/review/file", "/review/file", "/review/security", "/final-comment")),
      new Flow("doc-qa", "search", "You answer questions using only the documents given as context.",
          List.of("/rewrite-query", "/rerank", "/answer")),
      new Flow("onboarding-agent", "onboarding", "You guide new users through setting up their workspace.",
          List.of("/plan", "/plan/step", "/plan/step", "/plan/step", "/summary")),
      new Flow("email-drafter", "email-assist", "You draft short, polite business emails.",
          List.of("/draft", "/rewrite")));

  /** An open session: who runs it, where it is, and the model its application uses. */
  static final class Session {
    final String id;
    final Flow flow;
    final String userId;
    final String environment;
    final ModelChoice model;
    int step;

    Session(String id, Flow flow, String userId, String environment, ModelChoice model) {
      this.id = id;
      this.flow = flow;
      this.userId = userId;
      this.environment = environment;
      this.model = model;
    }
  }

  /** The caller of one request: its headers, conversation depth, feature and its session's model. */
  record Caller(Map<String, String> headers, String purpose, int priorTurns, ModelChoice sessionModel) {}

  private final Random random;
  private final List<Session> open = new ArrayList<>();
  private long sessions;

  Callers(Random random) {
    this.random = random;
  }

  Caller next() {
    Map<String, String> headers = new LinkedHashMap<>();
    if (random.nextDouble() >= SESSION_SHARE) {
      String user = user();
      Flow flow = FLOWS.get(random.nextInt(FLOWS.size()));
      tag(headers, user, environment(), flow.feature());
      return new Caller(headers, flow.purpose(), 0, null);
    }
    Session s = session();
    String path = s.flow.paths().get(Math.min(s.step, s.flow.paths().size() - 1));
    tag(headers, s.userId, s.environment, s.flow.feature());
    headers.put("Helicone-Session-Id", s.id);
    headers.put("Helicone-Session-Name", s.flow.name());
    headers.put("Helicone-Session-Path", path);
    int priorTurns = Math.min(s.step, 3);
    s.step++;
    if (s.step >= s.flow.paths().size()) {
      open.remove(s);
    }
    return new Caller(headers, s.flow.purpose(), priorTurns, random.nextDouble() < STICKY_MODEL ? s.model : null);
  }

  private Session session() {
    if (!open.isEmpty() && random.nextDouble() < CONTINUE_SESSION) {
      return open.get(random.nextInt(open.size()));
    }
    Flow flow = FLOWS.get(random.nextInt(FLOWS.size()));
    Session s = new Session("sess-" + Long.toHexString(random.nextLong() & Long.MAX_VALUE) + "-" + (++sessions),
        flow, user(), environment(), ModelMix.pick(random));
    if (open.size() >= OPEN_SESSIONS) {
      open.remove(0);
    }
    open.add(s);
    return s;
  }

  // squaring a uniform draw makes low ids the heavy users
  private String user() {
    double u = random.nextDouble();
    return String.format("user-%04d", (int) (USERS * u * u));
  }

  /** Every fifth user pays: the tier is the user's, whatever the request. */
  static String tier(String userId) {
    return Integer.parseInt(userId.substring(userId.indexOf('-') + 1)) % 5 == 0 ? "premium" : "free";
  }

  private String environment() {
    double x = random.nextDouble();
    return x < 0.80 ? "production" : x < 0.92 ? "staging" : "development";
  }

  private static void tag(Map<String, String> headers, String user, String environment, String feature) {
    headers.put("Helicone-User-Id", user);
    headers.put("Helicone-Property-Tier", tier(user));
    headers.put("Helicone-Property-Environment", environment);
    headers.put("Helicone-Property-Feature", feature);
  }
}
