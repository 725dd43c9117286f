package dev.costpipe.sources.envelope;

/**
 * One item of a body that was not turned into an event, and why.
 *
 * @param item what it was: a span ({@code span 4bf92f3577b34da6a3ce929d0e0e4736/00f067aa0ba902b7}), the n-th
 *     object of a body ({@code item 3}), …
 * @param reason a short sentence a user can act on
 */
public record Reject(String item, String reason) {
  @Override
  public String toString() {
    return item + ": " + reason;
  }
}
