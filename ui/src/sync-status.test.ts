import { describe, expect, it } from "vitest";
import { translator } from "./i18n";
import {
  absolute,
  bytes,
  clock,
  connection,
  describeSync,
  failureHint,
  relative,
  type SyncView,
} from "./sync-status";

const en = translator("en");
const id = translator("id");
const now = new Date("2026-01-21T14:05:30Z");
const base: SyncView = {
  online: null,
  last_sync: null,
  unacknowledged_versions: 0,
  unacknowledged_requests: 0,
  sending: null,
  last_error: null,
  last_error_code: null,
  next_attempt_at: null,
  hq_url: "http://10.0.0.5:8080",
};

describe("the status bar", () => {
  it("says why the last attempt failed in the officer's language, with the particulars", () => {
    const failed = {
      ...base,
      online: false,
      last_error: "headquarters at http://10.0.0.5:8080 cannot be reached: connection refused",
      last_error_code: "sync.error.unreachable",
    };
    expect(failureHint(id, failed)).toBe(
      "Kantor pusat tidak dapat dihubungi. Tidak ada yang hilang: kasus menunggu percobaan berikutnya.\n" +
        failed.last_error,
    );
    expect(failureHint(en, failed)?.startsWith("Headquarters cannot be reached.")).toBe(true);
    expect(failureHint(en, base)).toBeNull();
    // Every code the worker can send has words in both languages.
    for (const code of [
      "no_address", "locked", "unreachable", "unavailable", "refused", "conflict", "too_large",
      "not_enrolled", "clock", "refused_access", "answer", "store", "start",
    ]) {
      expect(id(`sync.error.${code}`)).not.toBe(`sync.error.${code}`);
      expect(en(`sync.error.${code}`)).not.toBe(`sync.error.${code}`);
    }
  });

  it("tells USB only, never tried, online and offline apart", () => {
    expect(connection({ ...base, hq_url: null, online: true })).toBe("usb_only");
    expect(connection(base)).toBe("never");
    expect(connection({ ...base, online: true })).toBe("online");
    expect(connection({ ...base, online: false })).toBe("offline");
    expect(describeSync(en, { ...base, hq_url: null }, now).label).toBe("USB only");
    expect(describeSync(id, { ...base, online: false }, now).label).toBe("Luring");
  });

  it("says how long ago, in whole minutes, hours and days", () => {
    expect(relative(en, "2026-01-21T14:05:00Z", now)).toBe("just now");
    expect(relative(en, "2026-01-21T14:10:00Z", now)).toBe("just now");
    expect(relative(en, "2026-01-21T14:04:30Z", now)).toBe("1 min ago");
    expect(relative(en, "2026-01-21T13:06:00Z", now)).toBe("59 min ago");
    expect(relative(en, "2026-01-21T13:05:30Z", now)).toBe("1 h ago");
    expect(relative(id, "2026-01-20T14:05:31Z", now)).toBe("23 jam lalu");
    expect(relative(en, "2026-01-20T10:00:00Z", now)).toBe("1 day ago");
    expect(relative(id, "2026-01-18T10:00:00Z", now)).toBe("3 hari lalu");
    expect(relative(en, "not a time", now)).toBe("not a time");
  });

  it("gives the last sync relative and absolute, or says there was none", () => {
    const at = "2026-01-21T13:55:00Z";
    const d = new Date(at);
    const local = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
    expect(absolute(at)).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d ${local}$`));
    const line = describeSync(en, { ...base, online: true, last_sync: at }, now).last;
    expect(line).toBe(`Last sync 10 min ago (${absolute(at)})`);
    expect(describeSync(id, base, now).last).toBe("Belum pernah sinkron");
  });

  it("counts what is waiting and shows a round's progress", () => {
    expect(describeSync(en, base, now).waiting).toBe("Nothing waiting");
    expect(describeSync(en, { ...base, unacknowledged_versions: 1 }, now).waiting).toBe("1 case waiting");
    expect(describeSync(id, { ...base, unacknowledged_versions: 3n }, now).waiting).toBe("3 kasus menunggu");
    expect(describeSync(en, base, now).requests).toBeNull();
    const voided = describeSync(en, { ...base, unacknowledged_requests: 1 }, now);
    expect([voided.waiting, voided.requests]).toEqual(["No cases waiting", "1 request print or void waiting"]);
    const both = describeSync(id, { ...base, unacknowledged_versions: 2, unacknowledged_requests: 3n }, now);
    expect([both.waiting, both.requests]).toEqual(["2 kasus menunggu", "3 cetak dan pembatalan permohonan menunggu"]);
    expect(describeSync(en, base, now).sending).toBeNull();
    const sending = { batch: 7, batches_done: 1, batches_total: 3, bytes_sent: 1_250_000, bytes_total: 3_400_000 };
    expect(describeSync(en, { ...base, sending }, now).sending).toBe("Sending batch 2 of 3 · 1.3 MB of 3.4 MB");
    const done = { ...sending, batches_done: 3 };
    expect(describeSync(id, { ...base, sending: done }, now).sending).toBe("Mengirim batch 3 dari 3 · 1.3 MB dari 3.4 MB");
  });

  it("names the next attempt only while offline", () => {
    const next = "2026-01-21T14:10:00Z";
    expect(describeSync(en, { ...base, online: false, next_attempt_at: next }, now).retry).toBe(
      `next try ${clock(next, now)}`,
    );
    // The time alone on the same day, the date too on another.
    const today = new Date(2026, 0, 21, 9, 0);
    expect(clock(new Date(2026, 0, 21, 14, 10).toISOString(), today)).toBe("14:10");
    expect(clock(new Date(2026, 0, 22, 0, 5).toISOString(), today)).toBe("2026-01-22 00:05");
    expect(describeSync(en, { ...base, online: true, next_attempt_at: next }, now).retry).toBeNull();
  });

  it("writes sizes as people read them", () => {
    expect(bytes(0)).toBe("0 B");
    expect(bytes(999)).toBe("999 B");
    expect(bytes(12_400)).toBe("12 KB");
    expect(bytes(3_400_000)).toBe("3.4 MB");
    expect(bytes(25_000_000)).toBe("25 MB");
  });
});
