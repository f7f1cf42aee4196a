// The interview form. Validation runs in Rust as the officer types; each finding appears at
// its field in the officer's language. The draft is saved a few seconds after the last change
// and whenever a field is left, so killing the app loses at most those few seconds. A passport
// reader's two MRZ lines are recognised in any field and offered for confirmation.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api } from "../api";
import type { CaseStatus } from "../bindings/CaseStatus";
import type { Finding } from "../bindings/Finding";
import type { IntakeRecord } from "../bindings/IntakeRecord";
import type { MrzTd3 } from "../bindings/MrzTd3";
import type { Report } from "../bindings/Report";
import type { Saved } from "../bindings/Saved";
import type { Go } from "../app";
import { describe } from "../errors";
import { fieldFor, SECTIONS, type Field } from "../form";
import { useLang, useT } from "../i18n";
import { MrzReader } from "../mrz-reader";
import { getPath, newRecord, setPath, type Value } from "../record";
import { Saver } from "../saver";
import { Dialog, time } from "./common";
import { RecordView } from "./record-view";

type SaveState =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved"; version: number; at: string }
  | { kind: "failed"; reason: string };

const inputId = (path: string) => `f-${path.replace(/\./g, "-")}`;

export function IntakeScreen(props: { caseId?: string; go: Go }) {
  const t = useT();
  const lang = useLang();
  const [record, setRecord] = useState<IntakeRecord>(() => newRecord());
  const [loaded, setLoaded] = useState(!props.caseId);
  const [status, setStatus] = useState<CaseStatus>("draft");
  const [reason, setReason] = useState("");
  const [report, setReport] = useState<Report | null>(null);
  const [saveState, setSaveState] = useState<SaveState>({ kind: "idle" });
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [mrz, setMrz] = useState<{ lines: [string, string]; read?: MrzTd3; error?: string } | null>(null);
  const [compare, setCompare] = useState<string | null>(null);
  const reasonRef = useRef("");
  reasonRef.current = reason;
  const statusRef = useRef<CaseStatus>("draft");
  statusRef.current = status;

  const saver = useMemo(
    () =>
      new Saver<IntakeRecord, Saved>({
        save: (r) => {
          setSaveState({ kind: "saving" });
          const why = reasonRef.current.trim();
          return api.save(r, statusRef.current === "draft" ? undefined : why || undefined);
        },
        saved: (result) => {
          // The first save gives the case its id: later saves are versions of the same case.
          const current = saver.current ?? record;
          if (!current.id) {
            const withId = { ...current, id: result.case_id };
            saver.adopt(withId);
            setRecord(withId);
          }
          setStatus(result.status);
          setReport(result.report);
          setSaveState({ kind: "saved", version: result.version, at: new Date().toISOString() });
        },
        failed: (e) => setSaveState({ kind: "failed", reason: describe(t, e) }),
      }),
    [],
  );

  useEffect(() => {
    if (!props.caseId) return;
    api.case(props.caseId).then(
      (c) => {
        setRecord(c.record);
        setStatus(c.status);
        saver.adopt(c.record);
        setSaveState({ kind: "saved", version: c.version, at: "" });
        setLoaded(true);
        void api.check(c.record).then(setReport);
      },
      (e) => setNotice({ ok: false, text: describe(t, e) }),
    );
  }, [props.caseId]);

  // A finalised case changes only with a reason: until one is written nothing is saved.
  const mayAutosave = () => statusRef.current === "draft" || reasonRef.current.trim() !== "";

  // Validation as the officer types, a quarter second after the last keystroke.
  const checkTimer = useRef<number | undefined>(undefined);
  const edited = (next: IntakeRecord) => {
    setRecord(next);
    if (mayAutosave()) saver.changed(next);
    else saver.hold(next);
    window.clearTimeout(checkTimer.current);
    checkTimer.current = window.setTimeout(() => {
      api.check(next).then(setReport, () => undefined);
    }, 250);
  };
  const update = (path: string, value: Value) => edited(setPath(saver.current ?? record, path, value));
  const leave = () => {
    if (mayAutosave()) {
      saver.changed(saver.current ?? record);
      void saver.flush();
    }
  };

  const save = async () => {
    if (!mayAutosave()) {
      setNotice({ ok: false, text: t("intake.reason_needed") });
      document.getElementById("reason")?.focus();
      return;
    }
    saver.changed(saver.current ?? record);
    await saver.flush();
  };

  const finalise = async () => {
    await save();
    const id = saver.current?.id;
    if (!id) return;
    try {
      const outcome = await api.finalize(id);
      if (outcome.outcome === "done") {
        setStatus("finalised");
        setReason("");
        setNotice({ ok: true, text: t("intake.finalised", { version: outcome.version }) });
      } else {
        setReport(outcome);
        const errors = outcome.findings.filter((f) => f.severity === "error");
        setNotice({ ok: false, text: t("intake.blocked", { n: errors.length }) });
        const first = errors.map((f) => fieldFor(f.field)).find(Boolean);
        if (first) document.getElementById(inputId(first))?.focus();
      }
    } catch (e) {
      setNotice({ ok: false, text: describe(t, e) });
    }
  };

  // A new interview starts at its first field.
  useEffect(() => {
    if (!props.caseId) document.getElementById(inputId("ticket"))?.focus();
  }, []);

  // Save what is left when the screen closes.
  useEffect(() => () => void (mayAutosave() && saver.flush()), []);

  // Ctrl+S saves, Ctrl+Enter finalises; the passport reader is heard in every field.
  const reader = useMemo(() => new MrzReader(), []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (mrz || compare) return;
    if (e.ctrlKey && !e.shiftKey && e.key.toLowerCase() === "s") {
      e.preventDefault();
      void save();
      return;
    }
    if (e.ctrlKey && e.key === "Enter") {
      e.preventDefault();
      void finalise();
      return;
    }
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    const target = e.target as HTMLInputElement;
    const value = typeof target.value === "string" ? target.value : "";
    const { events, swallow } = reader.key(e.key, target, value);
    if (swallow) e.preventDefault();
    for (const ev of events) {
      if (ev.kind === "line") {
        const el = ev.restore.target as HTMLInputElement;
        const path = el.dataset?.path;
        if (path) {
          // Put the text back at once: the reader's next line follows within milliseconds.
          el.value = ev.restore.value;
          update(path, ev.restore.value === "" ? undefined : ev.restore.value);
        }
      } else {
        const lines: [string, string] = [ev.line1, ev.line2];
        setMrz({ lines });
        api.readMrz(ev.line1, ev.line2).then(
          (read) => setMrz({ lines, read }),
          (err) => setMrz({ lines, error: describe(t, err) }),
        );
      }
    }
  };

  const applyMrz = () => {
    if (!mrz) return;
    let next = setPath(saver.current ?? record, "passport.mrz", mrz.lines);
    const r = mrz.read;
    if (r) {
      const name = [r.secondary, r.primary].filter(Boolean).join(" ");
      next = setPath(next, "passport.number", r.number);
      next = setPath(next, "person.full_name", name);
      if (r.date_of_birth) next = setPath(next, "person.date_of_birth", r.date_of_birth);
      if (r.sex) next = setPath(next, "person.sex", r.sex);
      if (r.expiry_date) next = setPath(next, "passport.expiry_date", r.expiry_date);
    }
    setMrz(null);
    edited(next);
    leave();
    document.getElementById(inputId("person.full_name"))?.focus();
  };

  const byField = useMemo(() => {
    const map = new Map<string, Finding[]>();
    const other: Finding[] = [];
    for (const f of report?.findings ?? []) {
      const at = fieldFor(f.field);
      if (at) map.set(at, [...(map.get(at) ?? []), f]);
      else other.push(f);
    }
    return { map, other };
  }, [report]);
  const errors = report?.findings.filter((f) => f.severity === "error").length ?? 0;
  const warnings = (report?.findings.length ?? 0) - errors;

  if (!loaded) return notice ? <p role="alert" class="error">{notice.text}</p> : null;
  const title = props.caseId || record.id ? t("intake.title_edit", { ticket: record.ticket ?? "" }) : t("intake.title_new");
  return (
    <section class="screen intake" aria-labelledby="intake-title" onKeyDown={onKeyDown} onFocusOut={leave}>
      <div class="titlebar sticky">
        <h1 id="intake-title">{title}</h1>
        <span class={`badge ${status}`}>{t(`status.${status}`)}</span>
        <span class="save-state" id="save-state" aria-live="polite">
          {saveState.kind === "saving" && t("intake.saving")}
          {saveState.kind === "saved" &&
            t("intake.saved", { version: saveState.version, time: saveState.at ? time(saveState.at) : "" })}
          {saveState.kind === "failed" && <span class="error">{t("intake.save_failed", { reason: saveState.reason })}</span>}
          {saveState.kind === "idle" && t("intake.unsaved")}
        </span>
        <span class="spacer" />
        <button type="button" id="save" onClick={() => void save()} title="Ctrl+S">
          {t("intake.save")} <kbd>Ctrl+S</kbd>
        </button>
        <button type="button" id="finalise" class="primary" onClick={() => void finalise()} disabled={errors > 0} title="Ctrl+Enter">
          {t("intake.finalise")} <kbd>Ctrl+Enter</kbd>
        </button>
      </div>
      {status !== "draft" && (
        <label class="reason">
          {t("intake.reason")}
          <input id="reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
      )}
      {notice && (
        <p role={notice.ok ? "status" : "alert"} id="notice" class={notice.ok ? "ok" : "error"}>
          {notice.text}
        </p>
      )}
      <div class="intake-body">
        <form class="form" onSubmit={(e) => e.preventDefault()} autoComplete="off">
          {SECTIONS.map((s) => (
            <fieldset key={s.id} id={`section-${s.id}`} class={`section ${s.id}`}>
              <legend>{t(`section.${s.id}`)}</legend>
              <div class="fields">
                {s.fields.map((f) => (
                  <FieldInput
                    key={f.path}
                    field={f}
                    value={getPath(record, f.path)}
                    findings={byField.map.get(f.path) ?? []}
                    update={update}
                    compare={setCompare}
                  />
                ))}
              </div>
            </fieldset>
          ))}
        </form>
        <aside class="summary" aria-label={t("intake.other_findings")}>
          <p class={errors ? "error" : "ok"} id="summary-errors">
            {errors ? t("intake.errors", { n: errors }) : t("intake.clean")}
          </p>
          {warnings > 0 && <p class="warning">{t("intake.warnings", { n: warnings })}</p>}
          {report && (report.referral ? (
            <p class="referral" id="referral" role="status">{t("intake.referral", { n: report.screening_yes })}</p>
          ) : (
            <p class="note">{t("intake.screening_yes", { n: report.screening_yes })}</p>
          ))}
          <ul class="findings">
            {(report?.findings ?? []).map((f, i) => {
              const at = fieldFor(f.field);
              return (
                <li key={i} class={f.severity}>
                  <button type="button" class="link" onClick={() => at && document.getElementById(inputId(at))?.focus()}>
                    {at ? t(`field.${at}`) : f.field}
                  </button>
                  : {f.message[lang]}
                </li>
              );
            })}
          </ul>
        </aside>
      </div>
      {mrz && <MrzDialog mrz={mrz} apply={applyMrz} cancel={() => setMrz(null)} />}
      {compare && <CompareDialog record={record} other={compare} close={() => setCompare(null)} />}
    </section>
  );
}

function FieldInput(props: {
  field: Field;
  value: unknown;
  findings: Finding[];
  update: (path: string, value: Value) => void;
  compare: (caseId: string) => void;
}) {
  const t = useT();
  const lang = useLang();
  const { field, value, findings, update } = props;
  const id = inputId(field.path);
  const k = field.kind;
  const hasError = findings.some((f) => f.severity === "error");
  const describedBy = findings.length ? `${id}-findings` : undefined;
  const common = {
    id,
    "data-path": field.path,
    "aria-invalid": hasError || undefined,
    "aria-describedby": describedBy,
    "aria-required": field.required || undefined,
  };
  const text = typeof value === "string" || typeof value === "number" ? String(value) : "";
  let control;
  if (k.type === "select") {
    const known = (k.values as readonly string[]).includes(text);
    control = (
      <select {...common} value={text} onChange={(e) => update(field.path, e.currentTarget.value || undefined)}>
        <option value="">{t("intake.choose")}</option>
        {k.values.map((v) => (
          <option key={v} value={v}>
            {t(`option.${k.options}.${v}`)}
          </option>
        ))}
        {text && !known && <option value={text}>{t("option.typed", { text })}</option>}
      </select>
    );
  } else if (k.type === "checks") {
    const chosen = Array.isArray(value) ? (value as string[]) : [];
    control = (
      <div class="checks" role="group" aria-labelledby={`${id}-label`} aria-describedby={describedBy}>
        {k.values.map((v, i) => (
          <label class="inline" key={v}>
            <input
              type="checkbox"
              id={i === 0 ? id : `${id}-${v}`}
              data-path={field.path}
              checked={chosen.includes(v)}
              onChange={(e) =>
                update(field.path, e.currentTarget.checked ? [...chosen, v] : chosen.filter((c) => c !== v))
              }
            />
            {t(`option.${k.options}.${v}`)}
          </label>
        ))}
        {chosen
          .filter((c) => !(k.values as readonly string[]).includes(c))
          .map((c) => (
            <span key={c} class="badge">{t("option.typed", { text: c })}</span>
          ))}
      </div>
    );
  } else if (k.type === "bool") {
    control = (
      <select
        {...common}
        value={value === true ? "yes" : value === false ? "no" : ""}
        onChange={(e) => {
          const v = e.currentTarget.value;
          update(field.path, v === "" ? undefined : v === "yes");
        }}
      >
        <option value="">{t("intake.choose")}</option>
        <option value="yes">{t("intake.yes")}</option>
        <option value="no">{t("intake.no")}</option>
      </select>
    );
  } else if (k.type === "textarea") {
    control = <textarea {...common} rows={3} value={text} onInput={(e) => update(field.path, e.currentTarget.value)} />;
  } else if (k.type === "list") {
    control = <ListInput common={common} value={Array.isArray(value) ? (value as string[]) : []} path={field.path} update={update} />;
  } else if (k.type === "number") {
    control = (
      <input
        {...common}
        inputMode="numeric"
        value={text}
        onInput={(e) => {
          const raw = e.currentTarget.value.trim();
          const n = Number(raw);
          // Only whole numbers become the number; anything else is kept as typed for the draft.
          update(field.path, raw === "" ? undefined : /^-?\d+$/.test(raw) ? n : raw);
        }}
      />
    );
  } else {
    control = (
      <input
        {...common}
        value={text}
        placeholder={k.type === "date" ? t("intake.date_hint") : undefined}
        class={k.type === "text" && k.upper ? "upper" : undefined}
        spellcheck={false}
        onInput={(e) => update(field.path, e.currentTarget.value)}
      />
    );
  }
  const wide = (k.type === "text" && k.wide) || k.type === "textarea" || k.type === "checks";
  return (
    <div class={`field${wide ? " wide" : ""}${hasError ? " has-error" : ""}`}>
      <label for={k.type === "checks" ? undefined : id} id={`${id}-label`}>
        {t(`field.${field.path}`)}
        {field.required && <span class="req"> ({t("intake.required")})</span>}
      </label>
      {control}
      {k.type === "list" && <span class="hint">{t("intake.aliases_hint")}</span>}
      {findings.length > 0 && (
        <ul class="field-findings" id={`${id}-findings`}>
          {findings.map((f, i) => (
            <li key={i} class={f.severity} data-code={f.code}>
              {f.message[lang]}
              {f.other_case && (
                <button type="button" class="link" onClick={() => props.compare(f.other_case!)}>
                  {t("intake.compare")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Aliases are typed as one line, separated by ';'; the text is kept while it is typed. */
function ListInput(props: { common: Record<string, unknown>; value: string[]; path: string; update: (p: string, v: Value) => void }) {
  const [text, setText] = useState(props.value.join("; "));
  useEffect(() => {
    const parsed = split(text);
    if (parsed.join("|") !== props.value.join("|")) setText(props.value.join("; "));
  }, [props.value.join("|")]);
  return (
    <input
      {...props.common}
      class="upper"
      value={text}
      onInput={(e) => {
        setText(e.currentTarget.value);
        props.update(props.path, split(e.currentTarget.value));
      }}
    />
  );
}

const split = (text: string) => text.split(";").map((s) => s.trim()).filter(Boolean);

function MrzDialog(props: { mrz: { lines: [string, string]; read?: MrzTd3; error?: string }; apply: () => void; cancel: () => void }) {
  const t = useT();
  const { read, error, lines } = props.mrz;
  const failed = read
    ? (Object.entries(read.checks) as [string, boolean][]).filter(([, ok]) => !ok).map(([name]) => t(`mrz.check.${name}`))
    : [];
  const onKey = (e: KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === "Escape") props.cancel();
    else if (e.key === "Enter" && (e.target as HTMLElement).tagName !== "BUTTON") {
      e.preventDefault();
      props.apply();
    }
  };
  return (
    <Dialog title={t("mrz.title")} onKey={onKey}>
      <p>{t("mrz.lead")}</p>
      <pre class="mrz">{lines.join("\n")}</pre>
      {error && <p role="alert" class="error">{t("mrz.not_td3", { reason: error })}</p>}
      {read && (
        <>
          <p role={failed.length ? "alert" : "status"} id="mrz-checks" class={failed.length ? "error" : "ok"}>
            {failed.length ? t("mrz.check_failed", { checks: failed.join(", ") }) : t("mrz.all_ok")}
          </p>
          <dl class="record">
            <Pair label={t("field.passport.number")} value={read.number} />
            <Pair label={t("mrz.name")} value={[read.secondary, read.primary].filter(Boolean).join(" ")} />
            <Pair label={t("field.person.date_of_birth")} value={read.date_of_birth ?? "?"} />
            <Pair label={t("field.person.sex")} value={read.sex ? t(`option.sex.${read.sex}`) : "?"} />
            <Pair label={t("field.passport.expiry_date")} value={read.expiry_date ?? "?"} />
          </dl>
        </>
      )}
      <div class="actions">
        <button type="button" onClick={props.cancel}>{t("mrz.cancel")}</button>
        <button type="button" class="primary" id="mrz-apply" onClick={props.apply}>{t("mrz.apply")}</button>
      </div>
    </Dialog>
  );
}

function Pair(props: { label: string; value: string }) {
  return (
    <div class="pair">
      <dt>{props.label}</dt>
      <dd>{props.value}</dd>
    </div>
  );
}

const COMPARED = [
  "ticket",
  "person.full_name",
  "person.aliases",
  "person.sex",
  "person.date_of_birth",
  "person.place_of_birth",
  "person.nik",
  "person.mother_name",
  "passport.number",
  "passport.status",
];

function CompareDialog(props: { record: IntakeRecord; other: string; close: () => void }) {
  const t = useT();
  const [other, setOther] = useState<IntakeRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.case(props.other).then((c) => setOther(c.record), (e) => setError(describe(t, e)));
  }, [props.other]);
  const onKey = (e: KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === "Escape") props.close();
  };
  return (
    <Dialog title={t("compare.title")} onKey={onKey}>
      {error && <p role="alert" class="error">{error}</p>}
      <div class="columns compare">
        <div>
          <h3>{t("compare.this")}</h3>
          <RecordView record={props.record} only={COMPARED} />
        </div>
        <div>
          <h3>{t("compare.other", { ticket: other?.ticket ?? "" })}</h3>
          {other && <RecordView record={other} only={COMPARED} />}
        </div>
      </div>
      <div class="actions">
        <button type="button" class="primary" onClick={props.close}>{t("compare.close")}</button>
      </div>
    </Dialog>
  );
}
