// Small pieces several screens show the same way.
import { useEffect, useRef, useState } from "preact/hooks";
import type { CaseStatus } from "../bindings/CaseStatus";
import type { CaseSummary } from "../bindings/CaseSummary";
import { describe } from "../errors";
import { useT } from "../i18n";

/** A labelled text field (a passphrase when `secret`) and the text it holds. */
export function Field(props: { id: string; label: string; value: string; set: (v: string) => void; secret?: boolean }) {
  return (
    <label>
      {props.label}
      {props.secret ? (
        <input id={props.id} type="password" value={props.value} onInput={(e) => props.set(e.currentTarget.value)} />
      ) : (
        <input id={props.id} value={props.value} onInput={(e) => props.set(e.currentTarget.value)} />
      )}
    </label>
  );
}

export function StatusBadge(props: { status: CaseStatus }) {
  const t = useT();
  return <span class={`badge ${props.status}`}>{t(`status.${props.status}`)}</span>;
}

/** A case's name in a list; a purged case has none left, and says where it went. */
export function CaseName(props: { c: CaseSummary }) {
  const t = useT();
  if (props.c.purged_at) return <span class="muted">{t("case.purged_name")}</span>;
  return <>{props.c.full_name || "—"}</>;
}

/** Headquarters' status of a case ("SPLP issued", "Departed"); an unknown one as it came. */
export function HqStatusText(props: { status: string; at?: string | null }) {
  const t = useT();
  const key = `hq.status.${props.status}`;
  const label = t(key);
  return (
    <span class={`hq-status ${props.status}`}>
      {label === key ? props.status : label}
      {props.at && <span class="muted"> · {time(props.at)}</span>}
    </span>
  );
}

/** A stored instant (UTC) in the counter's local time: "14:05" today, else the date too. */
export function time(instant: string): string {
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return instant;
  const pad = (n: number) => String(n).padStart(2, "0");
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? hm : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`;
}

/** A modal dialog that takes the focus; `onKey` handles Escape and Enter. */
export function Dialog(props: { title: string; children: preact.ComponentChildren; onKey: (e: KeyboardEvent) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div class="backdrop">
      <div class="dialog" role="dialog" aria-modal="true" aria-label={props.title} tabIndex={-1} ref={ref} onKeyDown={props.onKey}>
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}

/** One figure of a summary (Today, To headquarters): a big number over its label. */
export function Count(props: { label: string; n: number; id: string }) {
  return (
    <div class="count" id={props.id}>
      <span class="n">{props.n}</span>
      <span>{props.label}</span>
    </div>
  );
}

/**
 * Asks for the reason an action needs (voiding a request, closing a case), then runs it; its
 * error shows in the dialog, Escape cancels. The input's id is `${id}-reason`, the button's
 * `${id}-go`.
 */
export function ReasonDialog(props: {
  id: string;
  title: string;
  note: string;
  label: string;
  go: string;
  danger?: boolean;
  act: (reason: string) => Promise<unknown>;
  done: () => void;
  cancel: () => void;
}) {
  const t = useT();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await props.act(reason);
      props.done();
    } catch (err) {
      setError(describe(t, err));
    }
  };
  const onKey = (e: KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === "Escape") props.cancel();
  };
  return (
    <Dialog title={props.title} onKey={onKey}>
      <form class="stack" onSubmit={submit}>
        <p class="note">{props.note}</p>
        <label>
          {props.label}
          <input id={`${props.id}-reason`} ref={input} required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        <div class="actions">
          <button type="button" onClick={props.cancel}>{t("print.cancel")}</button>
          <button type="submit" class={props.danger ? "danger" : "primary"} id={`${props.id}-go`} disabled={!reason.trim()}>
            {props.go}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
