/** One batch of measurements, as reportPlaybackQoe takes it (less the session id). */
export interface QoeBatch {
  startupMs?: number;
  stalls: number;
  stallMs: number;
  playedSeconds: number;
  rungs: { height: number; seconds: number }[];
  switches: number;
  droppedFrames: number;
  fatalError?: string;
}

/** How often a player sends what it measured. */
export const QOE_EVERY_MS = 10_000;

/**
 * Measures what the viewer feels, as Mux Data or Netflix's playback logs do: the time from
 * the player's start to the first frame, stalls after it (seeks excepted), content time
 * played on each rung, rung switches, dropped frames and the error that stopped playback.
 * take() hands over what is new since the last batch.
 */
export class QoeMeter {
  private startup: number | undefined;
  private startupSent = false;
  private stallSince: number | null = null;
  /** The running stall was counted already, in a batch taken while it ran. */
  private stallCounted = false;
  private stalls = 0;
  private stallMs = 0;
  private rungs = new Map<number, number>();
  private lastTime: number | null = null;
  private switches = 0;
  private shownHeight: number | undefined;
  private droppedSent = 0;
  private dropped = 0;
  private failure: string | undefined;

  constructor(
    private readonly now: () => number,
    private readonly startedAt: number,
  ) {}

  /** The first frame is showing. */
  firstFrame() {
    this.startup ??= Math.max(0, this.now() - this.startedAt);
  }

  /** The video waits for data: a stall, unless it has not started or is seeking. */
  waiting(seeking: boolean) {
    if (this.startup === undefined || seeking || this.stallSince !== null) return;
    this.stallSince = this.now();
  }

  /** Playing again (or seeked): a stall, if one was running, ends. */
  resumed() {
    if (this.stallSince === null) return;
    if (!this.stallCounted) this.stalls++;
    this.stallMs += this.now() - this.stallSince;
    this.stallSince = null;
    this.stallCounted = false;
  }

  /** The playhead moved to t seconds; small steps forward count as played on the rung showing. */
  progress(t: number) {
    const last = this.lastTime;
    this.lastTime = t;
    if (last === null || this.shownHeight === undefined) return;
    const step = t - last;
    if (step > 0 && step < 2) this.rungs.set(this.shownHeight, (this.rungs.get(this.shownHeight) ?? 0) + step);
  }

  /** The player jumped (a seek): the next step is not played time. */
  jumped() {
    this.lastTime = null;
  }

  /** The rung showing is now height pixels tall. */
  rung(height: number) {
    if (this.shownHeight !== undefined && height !== this.shownHeight) this.switches++;
    this.shownHeight = height;
  }

  /** The browser's running count of dropped frames. */
  droppedFrames(total: number) {
    this.dropped = Math.max(this.dropped, total);
  }

  failed(message: string) {
    this.failure ??= message;
  }

  /** What is new since the last batch, or null when nothing is. */
  take(): QoeBatch | null {
    // A stall still running counts, up to now, in this batch; the rest goes to the next.
    const running = this.stallSince !== null;
    this.resumed();
    if (running) {
      this.stallSince = this.now();
      this.stallCounted = true;
    }
    const rungs = [...this.rungs].map(([height, seconds]) => ({ height, seconds }));
    const batch: QoeBatch = {
      stalls: this.stalls,
      stallMs: Math.round(this.stallMs),
      playedSeconds: rungs.reduce((sum, r) => sum + r.seconds, 0),
      rungs,
      switches: this.switches,
      droppedFrames: this.dropped - this.droppedSent,
    };
    if (this.startup !== undefined && !this.startupSent) batch.startupMs = Math.round(this.startup);
    if (this.failure) batch.fatalError = this.failure;
    const news = [batch.startupMs, batch.fatalError, batch.stalls, batch.stallMs, batch.playedSeconds, batch.switches, batch.droppedFrames];
    if (!news.some(Boolean)) return null;
    this.startupSent ||= batch.startupMs !== undefined;
    if (batch.fatalError) this.failure = ''; // sent once
    this.stalls = 0;
    this.stallMs = 0;
    this.rungs.clear();
    this.switches = 0;
    this.droppedSent = this.dropped;
    return batch;
  }

  /** Puts back a batch the server did not take, to go with the next one. */
  restore(b: QoeBatch) {
    if (b.startupMs !== undefined) this.startupSent = false;
    if (b.fatalError) this.failure = b.fatalError;
    this.stalls += b.stalls;
    this.stallMs += b.stallMs;
    for (const r of b.rungs) this.rungs.set(r.height, (this.rungs.get(r.height) ?? 0) + r.seconds);
    this.switches += b.switches;
    this.droppedSent -= b.droppedFrames;
  }
}
