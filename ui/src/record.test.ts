import { describe, expect, it } from "vitest";
import type { IntakeRecord } from "./bindings/IntakeRecord";
import { fieldFor } from "./form";
import { getPath, newRecord, rfc3339, setPath } from "./record";

describe("record paths", () => {
  it("sets a nested field without touching the original", () => {
    const before: IntakeRecord = { person: {} };
    const after = setPath(before, "person.address_id.province", "32");
    expect(after).toEqual({ person: { address_id: { province: "32" } } });
    expect(before).toEqual({ person: {} });
    expect(getPath(after, "person.address_id.province")).toBe("32");
  });

  it("removes a field and its emptied section when blanked", () => {
    const r = setPath(setPath({ person: {} }, "stay.visa", "tourist"), "stay.visa", "  ");
    expect(r).toEqual({ person: {} });
  });

  it("keeps whatever was typed, even when it is not valid", () => {
    const r = setPath({ person: {} }, "person.sex", "X");
    expect(getPath(r, "person.sex")).toBe("X");
  });

  it("writes MRZ lines as an array and drops it when both are blank", () => {
    let r = setPath({ person: {} }, "passport.mrz.1", "LINE2");
    expect(r.passport?.mrz).toEqual(["", "LINE2"]);
    r = setPath(r, "passport.mrz.1", "");
    expect(r.passport).toBeUndefined();
  });

  it("starts a new record with the format and an RFC 3339 time with offset", () => {
    const r = newRecord(new Date(2026, 0, 19, 9, 12, 0));
    expect(r.format).toBe("loket.intake/1");
    expect(r.interviewed_at).toMatch(/^2026-01-19T09:12:00[+-]\d\d:\d\d$/);
    expect(rfc3339(new Date(2026, 0, 19, 9, 12, 0))).toBe(r.interviewed_at);
  });

  it("puts each finding at its field", () => {
    expect(fieldFor("person.nik")).toBe("person.nik");
    expect(fieldFor("passport.mrz")).toBe("passport.mrz.0");
    expect(fieldFor("person.aliases[1]")).toBe("person.aliases");
    expect(fieldFor("screening.not_a_question")).toBeUndefined();
    expect(fieldFor("format")).toBeUndefined();
  });
});
