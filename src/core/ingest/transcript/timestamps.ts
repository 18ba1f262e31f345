// Timestamps as transcripts, captions and video links write them, and links back into a video at a
// given second. formatTimestamp writes "mm:ss" under an hour and "h:mm:ss" from an hour on
// ("00:04", "59:59", "1:02:03"), the way YouTube shows positions.

const CLOCK = /^(?:(\d+):)?(\d+):(\d{2})(?:[.,](\d{1,3}))?$/;
const SECONDS = /^(\d+)(?:[.,](\d{1,3}))?s?$/;
const UNITS = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/;

/**
 * Seconds for "1:02:03", "02:03", "123", "1:02:03.500", "00:01:02,500" (SRT), and YouTube's
 * "1h2m3s" / "90s". Null for anything else, including out-of-range fields ("1:75:00", "02:60").
 * Minutes may exceed 59 when there is no hour field ("75:30"), as some transcript tools write.
 */
export function parseTimestamp(s: string): number | null {
  const t = s.trim();
  if (t === "") return null;
  const clock = CLOCK.exec(t);
  if (clock) {
    const hours = clock[1] === undefined ? 0 : Number(clock[1]);
    const minutes = Number(clock[2]);
    const seconds = Number(clock[3]);
    if (seconds >= 60 || (clock[1] !== undefined && minutes >= 60)) return null;
    return hours * 3600 + minutes * 60 + seconds + fraction(clock[4]);
  }
  const plain = SECONDS.exec(t);
  if (plain) return Number(plain[1]) + fraction(plain[2]);
  const units = UNITS.exec(t);
  if (units && (units[1] ?? units[2] ?? units[3]) !== undefined) {
    return Number(units[1] ?? 0) * 3600 + Number(units[2] ?? 0) * 60 + Number(units[3] ?? 0);
  }
  return null;
}

function fraction(digits: string | undefined): number {
  return digits === undefined ? 0 : Number(digits) / 10 ** digits.length;
}

/** "mm:ss" below one hour, "h:mm:ss" from one hour on; fractions are dropped (floored). */
export function formatTimestamp(seconds: number): string {
  const total = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;

/** The YouTube video id in a watch / youtu.be / embed / shorts / live URL, or a bare id. */
export function youtubeVideoId(urlOrId: string): string | null {
  const s = urlOrId.trim();
  if (VIDEO_ID.test(s)) return s;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return null;
  }
  const host = url.hostname.replace(/^(?:www\.|m\.|music\.)/, "");
  let id: string | null = null;
  if (host === "youtu.be") id = url.pathname.split("/")[1] ?? null;
  else if (host === "youtube.com" || host === "youtube-nocookie.com") {
    if (url.pathname === "/watch") id = url.searchParams.get("v");
    else {
      const m = /^\/(?:embed|shorts|live|v)\/([^/?#]+)/.exec(url.pathname);
      id = m ? m[1] : null;
    }
  }
  return id !== null && VIDEO_ID.test(id) ? id : null;
}

/** A video URL without its position: YouTube becomes the canonical watch URL, other URLs lose
 *  their `t` / `start` parameters and `#t=` fragment. Null when `s` is not a URL or a video id. */
export function videoUrl(urlOrId: string): string | null {
  const id = youtubeVideoId(urlOrId);
  if (id !== null) return `https://www.youtube.com/watch?v=${id}`;
  let url: URL;
  try {
    url = new URL(urlOrId.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  url.searchParams.delete("t");
  url.searchParams.delete("start");
  if (/^#t=/.test(url.hash)) url.hash = "";
  return url.toString();
}

/** The position a video link points at (`t=90`, `t=1m30s`, `start=90`, `#t=90`), or null. */
export function timeInUrl(urlString: string): number | null {
  let url: URL;
  try {
    url = new URL(urlString.trim());
  } catch {
    return null;
  }
  const t = url.searchParams.get("t") ?? url.searchParams.get("start") ?? /^#t=([^&]+)/.exec(url.hash)?.[1] ?? null;
  return t === null ? null : parseTimestamp(t);
}

/** A link that opens the video at `seconds`: YouTube `watch?v=ID&t=N`, Vimeo `#t=Ns`, any other
 *  URL the media-fragment `#t=N`. Accepts a bare YouTube id. */
export function youtubeUrlAt(videoUrlOrId: string, seconds: number): string {
  const t = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const id = youtubeVideoId(videoUrlOrId);
  if (id !== null) return `https://www.youtube.com/watch?v=${id}&t=${t}`;
  const base = videoUrl(videoUrlOrId) ?? videoUrlOrId.trim();
  const hashless = base.replace(/#.*$/, "");
  return /(^|\.)vimeo\.com\//.test(hashless.replace(/^https?:\/\//, "")) ? `${hashless}#t=${t}s` : `${hashless}#t=${t}`;
}
