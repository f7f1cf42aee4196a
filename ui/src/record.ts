// Reading and writing one field of an intake record by its JSON path ("person.nik"), the
// same paths validation findings name. Writing never mutates: each edit makes a new record,
// and a blank value removes the field (absent and null mean the same in loket.intake/1).
import type { IntakeRecord } from "./bindings/IntakeRecord";

export type Value = string | number | boolean | string[] | undefined;
type Obj = Record<string, unknown>;

export function getPath(record: IntakeRecord, path: string): unknown {
  let node: unknown = record;
  for (const key of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Obj)[key];
  }
  return node ?? undefined;
}

function blank(value: Value): boolean {
  return (
    value === undefined ||
    (typeof value === "string" && value.trim() === "") ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === "number" && Number.isNaN(value))
  );
}

export function setPath(record: IntakeRecord, path: string, value: Value): IntakeRecord {
  const keys = path.split(".");
  // Numeric keys index arrays (`passport.mrz.0`); a blank array element stays as "" so the
  // other lines keep their places, and an array of blanks is removed.
  const write = (node: unknown, i: number): unknown => {
    const key = keys[i];
    const isIndex = /^\d+$/.test(key);
    const copy: Obj | unknown[] = isIndex
      ? Array.isArray(node) ? [...node] : []
      : { ...((node as Obj | undefined) ?? {}) };
    const slot = copy as Obj;
    if (i === keys.length - 1) {
      if (!blank(value)) slot[key] = value;
      else if (isIndex) slot[key] = "";
      else delete slot[key];
    } else {
      const child = write(slot[key], i + 1);
      if (child === undefined) {
        if (isIndex) slot[key] = "";
        else delete slot[key];
      } else slot[key] = child;
    }
    if (Array.isArray(copy)) {
      const filled = Array.from(copy, (v) => v ?? "");
      return filled.every((v) => v === "") ? undefined : filled;
    }
    // An emptied section is removed too (but never the record itself).
    return Object.keys(copy).length === 0 && i > 0 ? undefined : copy;
  };
  const out = write(record, 0) as IntakeRecord;
  return { ...out, person: out.person ?? {} };
}

/** A new, empty interview: only the format and when it began. */
export function newRecord(now: Date = new Date()): IntakeRecord {
  return { format: "loket.intake/1", interviewed_at: rfc3339(now), person: {} };
}

/** RFC 3339 with the counter's own offset, as the record wants timestamps. */
export function rfc3339(d: Date): string {
  const pad = (n: number) => String(Math.abs(n)).padStart(2, "0");
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `${sign}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`
  );
}
