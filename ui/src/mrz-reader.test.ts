import { describe, expect, it } from "vitest";
import { MrzReader } from "./mrz-reader";

const LINE1 = "P<IDNAMINAH<<SITI<<<<<<<<<<<<<<<<<<<<<<<<<<<";
const LINE2 = "C1234567<0IDN9904123F2906302<<<<<<<<<<<<<<<6";

/** Types `text` into a fake field as a keyboard would; returns every event and the field. */
function type(reader: MrzReader, field: { value: string }, text: string) {
  const events = [];
  const swallowed: string[] = [];
  for (const key of text.split(/(\n)/).flatMap((part) => (part === "\n" ? ["Enter"] : [...part]))) {
    const out = reader.key(key, field, field.value);
    events.push(...out.events);
    if (out.swallow) swallowed.push(key);
    else if (key.length === 1) field.value += key;
    for (const e of out.events) if (e.kind === "line") field.value = e.restore.value;
  }
  return { events, swallowed };
}

describe("passport reader", () => {
  it("reads two lines typed into a field and gives the field its text back", () => {
    const reader = new MrzReader();
    const field = { value: "" };
    type(reader, field, "A-7");
    const { events, swallowed } = type(reader, field, `${LINE1}\n${LINE2}\n`);
    expect(events.filter((e) => e.kind === "read")).toEqual([{ kind: "read", line1: LINE1, line2: LINE2 }]);
    expect(swallowed).toEqual(["Enter", "Enter"]);
    expect(field.value).toBe("A-7");
  });

  it("ignores ordinary typing, Enter included", () => {
    const reader = new MrzReader();
    const field = { value: "" };
    const { events, swallowed } = type(reader, field, "SITI AMINAH\nCIANJUR 12 APRIL 1999\n");
    expect(events).toEqual([]);
    expect(swallowed).toEqual([]);
  });

  it("does not take 44 letters without a filler for a zone line", () => {
    const reader = new MrzReader();
    const { events } = type(reader, { value: "" }, `${"A".repeat(44)}\n`);
    expect(events).toEqual([]);
  });

  it("starts over when the officer moves away between the lines", () => {
    const reader = new MrzReader();
    const field = { value: "" };
    type(reader, field, `${LINE1}\n`);
    reader.key("Tab", field, field.value);
    const { events } = type(reader, field, `${LINE2}\n`);
    expect(events.filter((e) => e.kind === "read")).toEqual([]);
  });

  it("reads a zone typed after other text in the same field", () => {
    const reader = new MrzReader();
    const field = { value: "" };
    const { events } = type(reader, field, `notes ${LINE1}\n${LINE2}\n`);
    expect(events.some((e) => e.kind === "read")).toBe(true);
    expect(field.value).toBe("notes ");
  });
});
