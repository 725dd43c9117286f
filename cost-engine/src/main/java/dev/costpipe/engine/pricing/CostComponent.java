package dev.costpipe.engine.pricing;

/** The parts of a request's cost, named as they appear in {@code cost_breakdown}. */
public enum CostComponent {
  INPUT("input"),
  CACHE_READ("cache_read"),
  CACHE_WRITE("cache_write"),
  CACHE_WRITE_1H("cache_write_1h"),
  AUDIO_INPUT("audio_input"),
  IMAGE_INPUT("image_input"),
  VIDEO_INPUT("video_input"),
  CACHE_READ_AUDIO("cache_read_audio"),
  OUTPUT("output"),
  REASONING("reasoning"),
  AUDIO_OUTPUT("audio_output"),
  IMAGE_OUTPUT("image_output"),
  WEB_SEARCH("web_search"),
  SEARCH_SOURCES("search_sources"),
  SERVER_TOOL_CALLS("server_tool_calls"),
  IMAGES("images"),
  REQUEST("request");

  static final CostComponent[] ALL = values();

  private final String wire;

  CostComponent(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
