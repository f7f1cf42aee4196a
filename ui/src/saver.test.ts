import { describe, expect, it } from "vitest";
import { Saver } from "./saver";

function harness(fail = false) {
  const saved: string[] = [];
  let timer: (() => void) | null = null;
  const saver = new Saver<{ v: string; id?: string }, string>({
    save: async (r) => {
      if (fail) throw new Error("disk full");
      saved.push(r.v);
      return `case-${saved.length}`;
    },
    saved: () => undefined,
    failed: () => undefined,
    setTimer: (f) => {
      timer = f;
      return 1;
    },
    clearTimer: () => {
      timer = null;
    },
  });
  return { saver, saved, fire: () => timer?.() };
}

describe("autosave", () => {
  it("saves once after the officer stops typing", async () => {
    const { saver, saved, fire } = harness();
    saver.changed({ v: "S" });
    saver.changed({ v: "SI" });
    saver.changed({ v: "SIT" });
    fire();
    await saver.flush();
    expect(saved).toEqual(["SIT"]);
  });

  it("saves when a field is left, and not again without a change", async () => {
    const { saver, saved } = harness();
    saver.changed({ v: "A" });
    await saver.flush();
    await saver.flush();
    expect(saved).toEqual(["A"]);
    expect(saver.dirty).toBe(false);
  });

  it("does not count the case id the first save gave as a change", async () => {
    const { saver, saved } = harness();
    saver.changed({ v: "A" });
    await saver.flush();
    saver.adopt({ v: "A", id: "case-1" });
    await saver.flush();
    expect(saved).toEqual(["A"]);
  });

  it("keeps a failed save dirty so the next one retries", async () => {
    const { saver } = harness(true);
    saver.changed({ v: "A" });
    await saver.flush();
    expect(saver.dirty).toBe(true);
  });

  it("holds changes that must wait, and saves them with the next save", async () => {
    const { saver, saved } = harness();
    saver.adopt({ v: "final" });
    saver.hold({ v: "final, changed" });
    expect(saver.dirty).toBe(true);
    expect(saved).toEqual([]);
    await saver.flush();
    expect(saved).toEqual(["final, changed"]);
  });
});
