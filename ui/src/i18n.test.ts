import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIELD_PATHS, SECTIONS } from "./form";
import { MESSAGES, translator } from "./i18n";

const here = new URL(".", import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name: string) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "bindings" ? [] : sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".test.ts") ? [readFileSync(path, "utf8")] : [];
  });
}

describe("translations", () => {
  it("have the same keys in Bahasa Indonesia and English", () => {
    const id = Object.keys(MESSAGES.id).sort();
    const en = Object.keys(MESSAGES.en).sort();
    expect(id.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !id.includes(k))).toEqual([]);
  });

  it("have no empty text and the same placeholders in both languages", () => {
    for (const key of Object.keys(MESSAGES.id)) {
      const vars = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(MESSAGES.id[key].trim(), key).not.toBe("");
      expect(MESSAGES.en[key].trim(), key).not.toBe("");
      expect(vars(MESSAGES.id[key]), key).toEqual(vars(MESSAGES.en[key]));
    }
  });

  it("exist for every literal key the code uses", () => {
    const used = new Set<string>();
    for (const text of sources(here)) {
      for (const m of text.matchAll(/\bt\(\s*"([a-z_][\w.,-]*)"/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((k) => !(k in MESSAGES.id))).toEqual([]);
  });

  it("exist for every field, section and option of the form", () => {
    const keys: string[] = [];
    for (const s of SECTIONS) {
      keys.push(`section.${s.id}`);
      for (const f of s.fields) {
        const k = f.kind;
        if (k.type === "select" || k.type === "checks") {
          for (const v of k.values) keys.push(`option.${k.options}.${v}`);
        }
      }
    }
    keys.push(...FIELD_PATHS.map((p) => `field.${p}`));
    for (const status of ["draft", "finalised", "closed"]) keys.push(`status.${status}`);
    expect(keys.filter((k) => !(k in MESSAGES.id) || !(k in MESSAGES.en))).toEqual([]);
  });

  it("fill placeholders and fall back to the key", () => {
    const t = translator("en");
    expect(t("intake.saved", { version: 3, time: "14:05" })).toBe("Saved (version 3) 14:05");
    expect(translator("id")("intake.errors", { n: 2 })).toBe("2 kesalahan");
    expect(t("no.such.key")).toBe("no.such.key");
  });
});
