package dev.costpipe.engine.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * genai-prices' {@code match} rule for model ids: a tree of {@code equals}, {@code starts_with},
 * {@code ends_with}, {@code contains}, {@code regex}, {@code or}, {@code and} clauses. Text clauses compare
 * case-insensitively, as genai-prices does; regexes are searched anywhere in the id and, since costpipe
 * resolves lower-cased ids, ignore case too.
 */
public final class GenAiModelMatch {
  private final Predicate<String> test;
  private final List<String> exactIds;

  private GenAiModelMatch(Predicate<String> test, List<String> exactIds) {
    this.test = test;
    this.exactIds = List.copyOf(exactIds);
  }

  /** Parses a clause tree; throws IllegalArgumentException on a clause it does not know. */
  public static GenAiModelMatch parse(JsonNode clause) {
    List<String> exact = new ArrayList<>();
    Predicate<String> p = clause(clause, exact, true);
    return new GenAiModelMatch(p, exact);
  }

  public boolean matches(String modelId) {
    return test.test(modelId.toLowerCase(Locale.ROOT));
  }

  /**
   * The ids this rule names exactly ({@code equals} clauses reachable through {@code or} only), lower
   * case: the ids a price catalogue can list for the model.
   */
  public List<String> exactIds() {
    return exactIds;
  }

  private static Predicate<String> clause(JsonNode c, List<String> exact, boolean collect) {
    if (c == null || !c.isObject() || c.size() != 1) {
      throw new IllegalArgumentException("a match clause is an object with one key, got " + c);
    }
    Map.Entry<String, JsonNode> e = c.fields().next();
    JsonNode v = e.getValue();
    switch (e.getKey()) {
      case "or" -> {
        List<Predicate<String>> parts = new ArrayList<>();
        v.forEach(x -> parts.add(clause(x, exact, collect)));
        return id -> parts.stream().anyMatch(p -> p.test(id));
      }
      case "and" -> {
        List<Predicate<String>> parts = new ArrayList<>();
        v.forEach(x -> parts.add(clause(x, exact, false)));
        return id -> parts.stream().allMatch(p -> p.test(id));
      }
      case "regex" -> {
        Pattern pattern = Pattern.compile(text(e.getKey(), v), Pattern.CASE_INSENSITIVE);
        return id -> pattern.matcher(id).find();
      }
      default -> {
        String s = text(e.getKey(), v).toLowerCase(Locale.ROOT);
        return switch (e.getKey()) {
          case "equals" -> {
            if (collect && !exact.contains(s)) {
              exact.add(s);
            }
            yield s::equals;
          }
          case "starts_with" -> id -> id.startsWith(s);
          case "ends_with" -> id -> id.endsWith(s);
          case "contains" -> id -> id.contains(s);
          default -> throw new IllegalArgumentException("unknown match clause '" + e.getKey() + "'");
        };
      }
    }
  }

  private static String text(String key, JsonNode v) {
    if (!v.isTextual()) {
      throw new IllegalArgumentException("match clause '" + key + "' needs a string, got " + v);
    }
    return v.asText();
  }
}
