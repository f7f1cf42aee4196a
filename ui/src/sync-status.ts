// The status bar's words: the sync worker's state said the way an officer reads it. Pure
// functions of the status and the time now, so they are tested without a window.
import type { Translate } from "./i18n";

/** A count as the bindings type it (u64 is `bigint` there; JSON gives a number). */
type Count = number | bigint;

/** What the status bar needs of the `sync_status` command's answer (bindings/SyncState). */
export interface SyncView {
  /** true: headquarters answered the last attempt; false: it did not; null: never tried. */
  online: boolean | null;
  /** When a round last ended with everything sent acknowledged (RFC 3339). */
  last_sync: string | null;
  /** Finalised case versions headquarters has not acknowledged yet, sealed or not. */
  unacknowledged_versions: Count;
  /** Prints, reprints and voids of SPLP requests headquarters has not acknowledged yet. */
  unacknowledged_requests: Count;
  sending: { batch: Count; batches_done: Count; batches_total: Count; bytes_sent: Count; bytes_total: Count } | null;
  /** Why the last attempt failed: the English line with the particulars. */
  last_error: string | null;
  /** The same as a stable code (`sync.error.…`), said in the officer's language. */
  last_error_code: string | null;
  next_attempt_at: string | null;
  /** Headquarters' address; null: the counter syncs by USB only. */
  hq_url: string | null;
}

export type Connection = "usb_only" | "never" | "online" | "offline";

export function connection(s: SyncView): Connection {
  if (!s.hq_url) return "usb_only";
  if (s.online === null) return "never";
  return s.online ? "online" : "offline";
}

/** "just now", "5 min ago", "3 h ago", "2 days ago" (future instants, a clock ahead, are "just now"). */
export function relative(t: Translate, instant: string, now: Date): string {
  const then = new Date(instant).getTime();
  if (Number.isNaN(then)) return instant;
  const minutes = Math.floor((now.getTime() - then) / 60_000);
  if (minutes < 1) return t("sync.ago.now");
  if (minutes < 60) return t("sync.ago.minutes", { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t("sync.ago.hours", { n: hours });
  const days = Math.floor(hours / 24);
  return days === 1 ? t("sync.ago.day") : t("sync.ago.days", { n: days });
}

/** An instant in local time with its date: "2026-01-21 14:05". */
export function absolute(instant: string): string {
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return instant;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** An instant in local time: "14:05" on the day of `now`, else with its date. */
export function clock(instant: string, now: Date): string {
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return instant;
  const full = absolute(instant);
  return d.toDateString() === now.toDateString() ? full.slice(11) : full;
}

/** A size for people: "850 B", "12 KB", "3.4 MB" (decimal units, as file managers show). */
export function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${Math.round(n / 1000)} KB`;
  const mb = n / 1_000_000;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

/** The status bar's texts, in order: connection, last sync, cases waiting, request prints and
 *  voids waiting (if any), sending (if any). */
export function describeSync(t: Translate, s: SyncView, now: Date) {
  const state = connection(s);
  const last = s.last_sync
    ? t("sync.last", { ago: relative(t, s.last_sync, now), at: absolute(s.last_sync) })
    : t("sync.last_never");
  const n = Number(s.unacknowledged_versions);
  const r = Number(s.unacknowledged_requests);
  const waiting =
    n === 0
      ? t(r === 0 ? "sync.waiting_none" : "sync.waiting_no_cases")
      : n === 1
        ? t("sync.waiting_one")
        : t("sync.waiting", { n });
  const requests =
    r === 0 ? null : r === 1 ? t("sync.waiting_requests_one") : t("sync.waiting_requests", { n: r });
  const p = s.sending;
  const sending = p
    ? t("sync.sending", {
        n: Math.min(Number(p.batches_done) + 1, Number(p.batches_total)),
        m: Number(p.batches_total),
        sent: bytes(Number(p.bytes_sent)),
        total: bytes(Number(p.bytes_total)),
      })
    : null;
  const retry = state === "offline" && s.next_attempt_at ? t("sync.retry", { at: clock(s.next_attempt_at, now) }) : null;
  return { state, label: t(`sync.state.${state}`), last, waiting, requests, sending, retry };
}

/** The state's hover text: why the last attempt failed in the officer's language, then the
 *  particulars (an address, a batch number) as headquarters or the network gave them. */
export function failureHint(t: Translate, s: SyncView): string | null {
  if (!s.last_error_code) return s.last_error;
  const said = t(s.last_error_code);
  return s.last_error ? `${said}\n${s.last_error}` : said;
}
