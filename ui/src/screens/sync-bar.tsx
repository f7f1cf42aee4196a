// The status bar along the bottom of every screen once the store is open: is headquarters
// reachable, when did the last sync succeed, how much is waiting, and a round's progress.
// It asks `sync_status` every 1.5 s (a cheap read; the page is granted only the app's own
// commands, no event API) and never takes the focus or opens anything.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import type { SyncState } from "../bindings/SyncState";
import { useT } from "../i18n";
import { absolute, describeSync, failureHint } from "../sync-status";

const POLL_MS = 1500;

export function SyncBar() {
  const t = useT();
  const [status, setStatus] = useState<SyncState | null>(null);
  const [now, setNow] = useState(() => new Date());
  const timer = useRef<number | undefined>(undefined);
  const alive = useRef(true);

  /** One poll, then the next one after it has answered (never two at a time). */
  const poll = async () => {
    window.clearTimeout(timer.current);
    try {
      const s = await api.syncStatus();
      if (!alive.current) return;
      setStatus(s);
      setNow(new Date());
    } catch {
      // Locked meanwhile: the bar goes with the screens; until then it shows what it had.
    }
    if (alive.current) timer.current = window.setTimeout(poll, POLL_MS);
  };
  useEffect(() => {
    alive.current = true;
    void poll();
    return () => {
      alive.current = false;
      window.clearTimeout(timer.current);
    };
  }, []);

  const syncNow = async () => {
    try {
      await api.syncNow();
    } finally {
      void poll();
    }
  };
  const canSync = status !== null && status.hq_url !== null;
  // Ctrl+Shift+S asks for a round from any screen (Ctrl+S alone saves an intake).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.shiftKey && !e.altKey && e.key.toLowerCase() === "s") {
        e.preventDefault();
        if (canSync) void syncNow();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [canSync]);

  if (!status) return <footer class="syncbar" id="syncbar" aria-label={t("sync.bar")} />;
  const view = describeSync(t, status, now);
  const p = status.sending;
  const hint = view.state === "usb_only" ? t("sync.usb_only_hint") : (failureHint(t, status) ?? status.hq_url ?? "");
  return (
    <footer class="syncbar" id="syncbar" aria-label={t("sync.bar")} data-state={view.state}>
      <span id="sync-state" class={`sync-state ${view.state}`} title={hint}>
        <span class="dot" aria-hidden="true" />
        {view.label}
        {view.retry && <span class="muted"> · {view.retry}</span>}
      </span>
      <span id="sync-last" title={status.last_sync ? absolute(status.last_sync) : undefined}>
        {view.last}
      </span>
      <span id="sync-waiting" title={t("sync.waiting_title")}>
        {view.waiting}
      </span>
      {view.requests && (
        <span id="sync-waiting-requests" title={t("sync.waiting_requests_title")}>
          {view.requests}
        </span>
      )}
      {p && view.sending && (
        <span id="sync-progress">
          <progress max={Number(p.bytes_total) || 1} value={Number(p.bytes_sent)} />
          {view.sending}
        </span>
      )}
      <span class="spacer" />
      <button
        type="button"
        id="sync-now"
        class="quiet"
        disabled={!canSync || p !== null}
        title={canSync ? "Ctrl+Shift+S" : t("sync.usb_only_hint")}
        onClick={() => void syncNow()}
      >
        {t("sync.now")} <kbd>Ctrl+Shift+S</kbd>
      </button>
    </footer>
  );
}
