// Autosave for the interview: nothing typed may be lost, so the draft is saved a few seconds
// after the last change and whenever a field is left, one save at a time, and only when the
// record changed since the last save (each save is a new version of the case).

export interface SaverOptions<R, S> {
  save: (record: R) => Promise<S>;
  /** Called with each save's result (the page takes the case id from the first). */
  saved: (result: S, record: R) => void;
  failed: (error: unknown) => void;
  /** Milliseconds after the last change; default 3000. */
  delay?: number;
  setTimer?: (f: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

export class Saver<R, S> {
  private latest: R | null = null;
  private lastSaved: string | null = null;
  private timer: unknown = null;
  private running: Promise<void> = Promise.resolve();

  constructor(private opts: SaverOptions<R, S>) {}

  /** The record changed: save it after the delay unless it changes again. */
  changed(record: R) {
    this.latest = record;
    const clear = this.opts.clearTimer ?? ((t) => clearTimeout(t as number));
    const set = this.opts.setTimer ?? ((f, ms) => setTimeout(f, ms));
    if (this.timer !== null) clear(this.timer);
    this.timer = set(() => {
      this.timer = null;
      void this.flush();
    }, this.opts.delay ?? 3000);
  }

  /** The latest record the page gave. */
  get current(): R | null {
    return this.latest;
  }

  /** The record changed but must not be saved yet (a finalised case waiting for a reason). */
  hold(record: R) {
    this.latest = record;
  }

  /** Whether the latest record has not been saved yet. */
  get dirty(): boolean {
    return this.latest !== null && JSON.stringify(this.latest) !== this.lastSaved;
  }

  /** Saves now if anything changed (a field was left, or the officer pressed Save). */
  flush(): Promise<void> {
    this.running = this.running.then(async () => {
      const record = this.latest;
      if (record === null) return;
      const text = JSON.stringify(record);
      if (text === this.lastSaved) return;
      try {
        const result = await this.opts.save(record);
        this.lastSaved = text;
        this.opts.saved(result, record);
      } catch (e) {
        this.opts.failed(e);
      }
    });
    return this.running;
  }

  /** The page set the record itself (the case's id after the first save): not a change. */
  adopt(record: R) {
    const wasClean = !this.dirty;
    this.latest = record;
    if (wasClean) this.lastSaved = JSON.stringify(record);
  }
}
