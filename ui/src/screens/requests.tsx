// A case's SPLP requests: printing (a new serial, or a reprint with a reason), voiding with a
// reason, and the 3×4 photo the request carries.
import type { Ref } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import type { Printers } from "../bindings/Printers";
import type { RequestInfo } from "../bindings/RequestInfo";
import { describe } from "../errors";
import { useT } from "../i18n";
import { Dialog, ReasonDialog, time } from "./common";

/** The value of the printer list's "open in the PDF viewer" choice. */
const VIEWER = "";

/** The request still valid for this case, if any (printing voids the older ones). */
export function liveRequest(requests: RequestInfo[]): RequestInfo | undefined {
  return requests.find((r) => !r.void);
}

/** The printers CUPS offers and the one chosen: the last one used here, else the first, else
 * the PDF viewer. `printer()` is the command's argument: null for the viewer. */
function usePrinters(onError: (e: unknown) => void) {
  const [printers, setPrinters] = useState<Printers | null>(null);
  const [chosen, choose] = useState(VIEWER);
  useEffect(() => {
    api.printers().then((p) => {
      setPrinters(p);
      choose(p.default ?? p.names[0] ?? VIEWER);
    }, onError);
  }, []);
  return { printers, chosen, choose, printer: () => (chosen === VIEWER ? null : chosen) };
}

/** The printer to use (or the PDF viewer), and a note when CUPS has none. */
function PrinterField(props: { choice: ReturnType<typeof usePrinters>; selectRef?: Ref<HTMLSelectElement> }) {
  const t = useT();
  const { printers, chosen, choose } = props.choice;
  return (
    <>
      <label>
        {t("print.printer")}
        <select id="print-printer" ref={props.selectRef} value={chosen} onChange={(e) => choose(e.currentTarget.value)}>
          {printers?.names.map((p) => <option key={p} value={p}>{p}</option>)}
          <option value={VIEWER}>{t("print.viewer")}</option>
        </select>
      </label>
      {printers && printers.names.length === 0 && <p class="note">{t("print.no_printers")}</p>}
    </>
  );
}

/** A dialog that prints: a `note`, a printer (or the PDF viewer) to choose, what else
 * `children` asks, and the button `go` that runs `act` with the printer (null for the
 * viewer). Its error shows in the dialog; Escape cancels. */
export function PrintForm<T>(props: {
  title: string;
  go: string;
  goId: string;
  ready?: boolean;
  act: (printer: string | null) => Promise<T>;
  done: (result: T) => void;
  cancel: () => void;
  note?: preact.ComponentChildren;
  children?: preact.ComponentChildren;
}) {
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const choice = usePrinters((e) => setError(describe(t, e)));
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), [choice.printers]);
  const print = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      props.done(await props.act(choice.printer()));
    } catch (err) {
      setError(describe(t, err));
    } finally {
      setBusy(false);
    }
  };
  const onKey = (e: KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === "Escape") props.cancel();
  };
  return (
    <Dialog title={props.title} onKey={onKey}>
      <form class="stack" onSubmit={print}>
        {props.note}
        <PrinterField choice={choice} selectRef={first} />
        {props.children}
        {error && <p role="alert" class="error">{error}</p>}
        <div class="actions">
          <button type="button" onClick={props.cancel}>{t("print.cancel")}</button>
          <button type="submit" class="primary" id={props.goId} disabled={busy || props.ready === false}>
            {props.go}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function PrintDialog(props: { id: string; version: number; requests: RequestInfo[]; done: () => void; cancel: () => void }) {
  const t = useT();
  const [reason, setReason] = useState("");
  const live = liveRequest(props.requests);
  const reprint = live !== undefined && live.version === props.version;
  return (
    <PrintForm
      title={reprint ? t("print.reprint_title", { serial: live!.serial }) : t("print.title")}
      go={reprint ? t("print.reprint") : t("print.print")}
      goId="print-go"
      ready={!reprint || reason.trim() !== ""}
      act={(printer) => api.printRequest(props.id, printer, reprint ? reason : null)}
      done={() => props.done()}
      cancel={props.cancel}
      note={
        <>
          {reprint && <p class="note">{t("print.reprint_note")}</p>}
          {live && !reprint && <p class="note">{t("print.supersede_note", { serial: live.serial })}</p>}
        </>
      }
    >
      {reprint && (
        <label>
          {t("print.reason")}
          <input id="print-reason" required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
      )}
    </PrintForm>
  );
}

export function RequestsTable(props: { requests: RequestInfo[]; changed: () => void }) {
  const t = useT();
  const [voiding, setVoiding] = useState<RequestInfo | null>(null);
  if (props.requests.length === 0) return <p class="empty">{t("requests.none")}</p>;
  return (
    <>
      <table class="grid" id="requests">
        <thead>
          <tr>
            <th>{t("requests.serial")}</th>
            <th>{t("case.version")}</th>
            <th>{t("requests.issued")}</th>
            <th>{t("requests.prints")}</th>
            <th>{t("today.status")}</th>
          </tr>
        </thead>
        <tbody>
          {props.requests.map((r) => (
            <tr key={r.serial} class={r.void ? "void" : ""}>
              <td><code>{r.serial}</code></td>
              <td>{r.version}</td>
              <td>{time(r.issued_at)} · {r.officer}</td>
              <td>{r.prints}</td>
              <td>
                {r.void ? (
                  <span title={r.void.reason}>{t("requests.void")}: {r.void.reason}</span>
                ) : (
                  <button type="button" class="link" onClick={() => setVoiding(r)}>{t("requests.void_action")}</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {voiding && (
        <ReasonDialog
          id="void"
          title={t("void.title", { serial: voiding.serial })}
          note={t("void.note")}
          label={t("void.reason")}
          go={t("void.go")}
          danger
          act={(reason) => api.voidRequest(voiding.serial, reason)}
          cancel={() => setVoiding(null)}
          done={() => {
            setVoiding(null);
            props.changed();
          }}
        />
      )}
    </>
  );
}

/** The case's photo, and a file chooser to attach one (JPEG or PNG, cropped to 3:4). */
export function PhotoBox(props: { id: string }) {
  const t = useT();
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => api.photo(props.id).then(setSrc, (e) => setError(describe(t, e)));
  useEffect(() => {
    load();
  }, [props.id]);
  const choose = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    setError(null);
    try {
      await api.attachPhoto(props.id, new Uint8Array(await file.arrayBuffer()));
      await load();
    } catch (err) {
      setError(describe(t, err));
    }
  };
  return (
    <div class="photo-box">
      {src ? <img src={src} alt={t("photo.alt")} /> : <div class="photo-empty">{t("photo.none")}</div>}
      <label class="button">
        {src ? t("photo.replace") : t("photo.attach")}
        <input type="file" id="photo-file" accept="image/jpeg,image/png" onChange={choose} />
      </label>
      {error && <p role="alert" class="error">{error}</p>}
    </div>
  );
}
