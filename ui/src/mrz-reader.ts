// Passport readers at the counter are keyboards: they type the machine-readable zone as two
// lines of 44 characters, each followed by Enter, into whatever field has focus. This watches
// the keystrokes, recognises such a pair, and tells the page which text to put back in the
// field the lines were typed into. A person never types 44 characters of A–Z, 0–9 and '<' with
// a '<' among them and then Enter, so the lines cannot be mistaken for typing.

export const MRZ_LINE = /^[A-Z0-9<]{44}$/;

/** What the reader did, once a line is complete. */
export type ReaderEvent =
  /** Both lines of a zone were read. */
  | { kind: "read"; line1: string; line2: string }
  /** One line of a zone: put `restore` back in the field it was typed into. */
  | { kind: "line"; restore: Restore };

export interface Restore {
  target: unknown;
  value: string;
}

export class MrzReader {
  /** The last 44 characters typed into one field, each with the field's text before it. */
  private typed: { ch: string; before: string }[] = [];
  private target: unknown = null;
  private line1: string | null = null;

  /**
   * Feeds one keydown. `key` is KeyboardEvent.key; `target`/`value` are the focused field and
   * its text before this key takes effect. Returns the events the page must act on, and
   * whether the key must be swallowed (the Enter that ends a zone line).
   */
  key(key: string, target: unknown, value: string): { events: ReaderEvent[]; swallow: boolean } {
    if (key.length === 1) {
      if (this.target !== target) {
        this.typed = [];
        this.target = target;
      }
      this.typed.push({ ch: key, before: value });
      if (this.typed.length > 44) this.typed.shift();
      return { events: [], swallow: false };
    }
    const line = this.typed.map((t) => t.ch).join("");
    if (key === "Enter" && this.isLine(line)) {
      // The field as it was before the line's first character.
      const restore = { target: this.target, value: this.typed[0].before };
      this.typed = [];
      const events: ReaderEvent[] = [{ kind: "line", restore }];
      if (this.line1 !== null && !line.startsWith("P")) {
        events.push({ kind: "read", line1: this.line1, line2: line });
        this.line1 = null;
      } else {
        this.line1 = line;
      }
      return { events, swallow: true };
    }
    if (key !== "Shift" && key !== "CapsLock") this.reset();
    return { events: [], swallow: false };
  }

  private isLine(text: string): boolean {
    return MRZ_LINE.test(text) && text.includes("<");
  }

  reset() {
    this.typed = [];
    this.target = null;
    this.line1 = null;
  }
}
