package dev.costpipe.devtools.generate;

import java.util.List;

/**
 * Everything decided about one generated call before it is written in its provider's shape.
 *
 * @param responseId the provider's id of the answer (message id, completion id)
 * @param created the answer's time, epoch seconds
 * @param inputTokens prompt tokens not read from or written to a prompt cache
 * @param outputTokens visible completion tokens (reasoning not included)
 * @param deltas the output text cut in streamed pieces (empty for a non-streamed call)
 */
record CallPlan(ModelChoice model, boolean streamed, String responseId, long created, String system,
    List<Turn> turns, int maxTokens, int inputTokens, int cacheReadTokens, int cacheWriteTokens,
    int outputTokens, int reasoningTokens, String outputText, List<String> deltas) {

  /** One message of the conversation sent. */
  record Turn(String role, String text) {}

  int promptTokens() {
    return inputTokens + cacheReadTokens + cacheWriteTokens;
  }

  int completionTokens() {
    return outputTokens + reasoningTokens;
  }
}
