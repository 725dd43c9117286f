package dev.costpipe.engine.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.costpipe.engine.event.BadEventException;
import org.junit.jupiter.api.Test;

class SseParserTest {

  @Test
  void splitsEventsAtEveryKindOfLineEnd() {
    for (String eol : new String[] {"\n", "\r\n", "\r"}) {
      String text = "event: message_start" + eol + "data: {\"a\":1}" + eol + eol + ": keep-alive" + eol
          + "data: {\"b\":" + eol + "data: 2}" + eol + eol + "data: [DONE]" + eol + eol;
      assertThat(SseParser.payloads(text)).as(eol.replace("\r", "CR").replace("\n", "LF"))
          .extracting(Object::toString).containsExactly("{\"a\":1}", "{\"b\":2}");
    }
  }

  @Test
  void readsTheLastEventWithoutItsBlankLineAndMixedLineEnds() {
    assertThat(SseParser.payloads("data: {\"a\":1}\r\n\ndata:{\"b\":2}\r\rdata: {\"c\":3}"))
        .extracting(Object::toString).containsExactly("{\"a\":1}", "{\"b\":2}", "{\"c\":3}");
    assertThat(SseParser.payloads("")).isEmpty();
    assertThat(SseParser.payloads("\r\n\r\n")).isEmpty();
  }

  @Test
  void refusesTextThatIsNotSse() {
    assertThatThrownBy(() -> SseParser.payloads("data: {\"a\":1}\nhello\n\n")).isInstanceOf(BadEventException.class)
        .hasMessageContaining("neither JSON nor SSE");
    assertThatThrownBy(() -> SseParser.payloads("data: [1,2]\n\n")).isInstanceOf(BadEventException.class);
  }
}
