// Sending cases to headquarters on a USB stick: what is waiting, the export, and reading
// headquarters' receipt when the stick comes back. Cases count as sent only on a receipt.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { UsbState } from "../bindings/UsbState";
import { describe } from "../errors";
import { useT } from "../i18n";
import { Count } from "./common";

type Message = { ok: boolean; text: string; files?: string[] };

export function UsbScreen() {
  const t = useT();
  const [state, setState] = useState<UsbState | null>(null);
  const [dir, setDir] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const load = async () => {
    try {
      const s = await api.usbState();
      setState(s);
      if (!dir && s.sticks.length > 0) setDir(s.sticks[0]);
    } catch (e) {
      setMessage({ ok: false, text: describe(t, e) });
    }
  };
  useEffect(() => void load(), []);

  const run = async (action: () => Promise<Message>) => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage(await action());
    } catch (e) {
      setMessage({ ok: false, text: describe(t, e) });
    } finally {
      setBusy(false);
      await load();
    }
  };
  const exportNow = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const done = await api.exportUsb(dir.trim());
      if (done.files.length === 0) return { ok: true, text: t("usb.nothing") };
      return {
        ok: true,
        text: t("usb.exported", {
          n: done.files.length,
          sealed: done.sealed_versions,
          requests: done.sealed_requests,
        }),
        files: done.files,
      };
    });
  };
  const readReceipt = () =>
    void run(async () => {
      const ack = await api.applyReceipt(dir.trim());
      const acknowledged = t("usb.acknowledged", { n: ack.new_versions, cases: ack.new_cases, total: ack.total_versions });
      const text = ack.purged > 0 ? `${acknowledged} ${t("usb.purged", { n: ack.purged })}` : acknowledged;
      return ack.mismatched > 0
        ? { ok: false, text: `${text} ${t("usb.mismatched", { n: ack.mismatched })}` }
        : { ok: true, text };
    });

  if (!state) return message ? <p role="alert" class="error">{message.text}</p> : null;
  return (
    <section class="screen narrow" aria-labelledby="usb-title">
      <h1 id="usb-title">{t("usb.title")}</h1>
      <div class="counts">
        <Count label={t("usb.waiting")} n={state.waiting_versions} id="count-waiting" />
        <Count label={t("usb.waiting_requests")} n={state.waiting_requests} id="count-waiting-requests" />
        <Count label={t("usb.unacknowledged")} n={state.unacknowledged_batches} id="count-unacknowledged" />
        <Count label={t("usb.acknowledged_cases")} n={state.acknowledged_cases} id="count-acknowledged" />
      </div>
      {!state.hq_key && (
        <p role="alert" class="error">
          {t("usb.no_hq_key")}
        </p>
      )}
      <form onSubmit={exportNow} class="stack">
        <label>
          {t("usb.folder")}
          <input
            id="usb-dir"
            list="usb-sticks"
            value={dir}
            placeholder="/media/…"
            onInput={(e) => setDir((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <datalist id="usb-sticks">
          {state.sticks.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <p class="note">{state.sticks.length === 0 ? t("usb.no_sticks") : t("usb.sticks_found")}</p>
        <div class="actions">
          <button type="submit" class="primary" id="usb-export" disabled={busy || !dir.trim() || !state.hq_key}>
            {t("usb.export")}
          </button>
          <button type="button" id="usb-receipt" disabled={busy || !dir.trim() || !state.hq_key} onClick={readReceipt}>
            {t("usb.read_receipt")}
          </button>
        </div>
      </form>
      {message && (
        <div role={message.ok ? "status" : "alert"} class={message.ok ? "ok" : "error"} id="usb-message">
          <p>{message.text}</p>
          {message.files && (
            <ul class="files">
              {message.files.map((f) => (
                <li key={f}>
                  <code>{f}</code>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <p class="note">{t("usb.how")}</p>
    </section>
  );
}
