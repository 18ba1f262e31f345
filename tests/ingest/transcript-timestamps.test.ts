import { describe, expect, it } from "vitest";
import { formatTimestamp, parseTimestamp, timeInUrl, videoUrl, youtubeUrlAt, youtubeVideoId } from "../../src/core/ingest/transcript/timestamps";

describe("parseTimestamp", () => {
  it.each([
    ["1:02:03", 3723],
    ["01:02:03", 3723],
    ["02:03", 123],
    ["2:03", 123],
    ["123", 123],
    ["1:02:03.500", 3723.5],
    ["00:01:02,500", 62.5],
    ["00:00:04.1", 4.1],
    ["75:30", 4530],
    ["1h2m3s", 3723],
    ["90s", 90],
    ["2m", 120],
    [" 00:04 ", 4],
  ])("%s → %d s", (s, seconds) => {
    expect(parseTimestamp(s)).toBeCloseTo(seconds, 6);
  });

  it.each(["", "abc", "1:75:00", "02:60", "1::2", "-5", "1:2:3:4", "12:3", "1.2.3"])("rejects %j", (s) => {
    expect(parseTimestamp(s)).toBeNull();
  });
});

describe("formatTimestamp", () => {
  it("writes mm:ss under an hour and h:mm:ss from an hour on", () => {
    expect(formatTimestamp(0)).toBe("00:00");
    expect(formatTimestamp(4)).toBe("00:04");
    expect(formatTimestamp(59.99)).toBe("00:59");
    expect(formatTimestamp(3599)).toBe("59:59");
    expect(formatTimestamp(3600)).toBe("1:00:00");
    expect(formatTimestamp(3723.5)).toBe("1:02:03");
    expect(formatTimestamp(36_000)).toBe("10:00:00");
  });

  it("clamps nonsense to 00:00", () => {
    expect(formatTimestamp(-3)).toBe("00:00");
    expect(formatTimestamp(Number.NaN)).toBe("00:00");
  });

  it("round-trips through parseTimestamp for whole seconds", () => {
    for (const s of [0, 1, 59, 60, 61, 3599, 3600, 3601, 86_399, 100_000]) expect(parseTimestamp(formatTimestamp(s))).toBe(s);
  });
});

describe("video links", () => {
  it("finds the YouTube id in every URL form and in a bare id", () => {
    for (const u of [
      "aircAruvnKk",
      "https://www.youtube.com/watch?v=aircAruvnKk&t=90",
      "https://youtube.com/watch?feature=share&v=aircAruvnKk",
      "https://m.youtube.com/watch?v=aircAruvnKk",
      "https://youtu.be/aircAruvnKk?t=12",
      "https://www.youtube.com/embed/aircAruvnKk",
      "https://www.youtube.com/shorts/aircAruvnKk",
      "https://www.youtube-nocookie.com/embed/aircAruvnKk?start=5",
    ]) {
      expect(youtubeVideoId(u)).toBe("aircAruvnKk");
    }
    expect(youtubeVideoId("https://example.com/watch?v=aircAruvnKk")).toBeNull();
    expect(youtubeVideoId("not a url")).toBeNull();
  });

  it("builds a link that opens the video at a second", () => {
    expect(youtubeUrlAt("aircAruvnKk", 90)).toBe("https://www.youtube.com/watch?v=aircAruvnKk&t=90");
    expect(youtubeUrlAt("https://youtu.be/aircAruvnKk?t=3", 61.9)).toBe("https://www.youtube.com/watch?v=aircAruvnKk&t=61");
    expect(youtubeUrlAt("https://vimeo.com/76979871", 30)).toBe("https://vimeo.com/76979871#t=30s");
    expect(youtubeUrlAt("https://example.org/lecture.mp4", 12)).toBe("https://example.org/lecture.mp4#t=12");
  });

  it("drops the position from a video URL and reads it back", () => {
    expect(videoUrl("https://www.youtube.com/watch?v=aircAruvnKk&t=125")).toBe("https://www.youtube.com/watch?v=aircAruvnKk");
    expect(videoUrl("https://example.org/v.mp4?t=5&q=1#t=5")).toBe("https://example.org/v.mp4?q=1");
    expect(videoUrl("ftp://example.org/x")).toBeNull();
    expect(timeInUrl("https://www.youtube.com/watch?v=aircAruvnKk&t=1m30s")).toBe(90);
    expect(timeInUrl("https://youtu.be/aircAruvnKk?t=125")).toBe(125);
    expect(timeInUrl("https://example.org/v.mp4#t=42")).toBe(42);
    expect(timeInUrl("https://example.org/v.mp4")).toBeNull();
  });
});
