// One case: how it stands, its record, every saved version and the audit entries about it;
// closing it once nothing more happens for the person at this counter. Once headquarters
// holds it closed, the counter keeps only its history (the case is purged).
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { Case } from "../bindings/Case";
import type { History } from "../bindings/History";
import type { IntakeRecord } from "../bindings/IntakeRecord";
import { newIntake, type Go } from "../app";
import { describe } from "../errors";
import { useT } from "../i18n";
import { RecordView } from "./record-view";
import { HqStatusText, ReasonDialog, StatusBadge, time } from "./common";
import { PhotoBox, PrintDialog, RequestsTable } from "./requests";

export function CaseScreen(props: { id: string; go: Go }) {
  const t = useT();
  const [found, setFound] = useState<Case | null>(null);
  const [history, setHistory] = useState<History | null>(null);
  const [shown, setShown] = useState<{ version: number; record: IntakeRecord } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [printing, setPrinting] = useState(false);
  const [closing, setClosing] = useState(false);
  const load = async () => {
    try {
      const h = await api.history(props.id);
      // A purged case has no record left to ask for.
      const c = h.purged_at ? null : await api.case(props.id);
      setHistory(h);
      setFound(c);
      if (c) setShown({ version: c.version, record: c.record });
    } catch (e) {
      setError(describe(t, e));
    }
  };
  useEffect(() => {
    load();
  }, [props.id]);
  const printable = found !== null && found.status !== "draft" && found.record.request?.document === "splp";
  // Ctrl+P prints this case's request (the window has no browser print of its own).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey && !e.altKey && e.key.toLowerCase() === "p") {
        e.preventDefault();
        if (printable) setPrinting(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [printable]);
  const show = async (version: number) => {
    try {
      const v = await api.version(props.id, version);
      setShown({ version, record: v.record });
    } catch (e) {
      setError(describe(t, e));
    }
  };
  if (error) return <p role="alert" class="error">{error}</p>;
  if (history?.purged_at) {
    return <PurgedCase id={props.id} history={history} purgedAt={history.purged_at} go={props.go} changed={load} />;
  }
  if (!found || !history || !shown) return null;
  return (
    <section class="screen" aria-labelledby="case-title">
      <div class="titlebar">
        <h1 id="case-title">
          {found.record.person.full_name || "—"} <small>{found.record.ticket ?? ""}</small>
        </h1>
        <StatusBadge status={found.status} />
        {history.hq_status && (
          <span class="hq-badge" id="hq-status">
            {t("cases.hq")}: <HqStatusText status={history.hq_status.status} at={history.hq_status.at} />
          </span>
        )}
        <span class="spacer" />
        <button type="button" onClick={() => props.go({ name: "cases" })}>{t("case.back")}</button>
        <button type="button" id="edit-case" onClick={() => props.go(newIntake(props.id))}>
          {t("case.edit")}
        </button>
        {found.status === "finalised" && (
          <button type="button" id="close-case" onClick={() => setClosing(true)}>
            {t("case.close")}
          </button>
        )}
        {printable && (
          <button type="button" class="primary" id="print-request" onClick={() => setPrinting(true)} title="Ctrl+P">
            {t("print.action")}
          </button>
        )}
      </div>
      {closing && (
        <ReasonDialog
          id="close"
          title={t("close.title")}
          note={t("close.note")}
          label={t("close.reason")}
          go={t("close.go")}
          act={(reason) => api.closeCase(props.id, reason)}
          cancel={() => setClosing(false)}
          done={() => {
            setClosing(false);
            load();
          }}
        />
      )}
      {printing && (
        <PrintDialog
          id={props.id}
          version={found.version}
          requests={history.requests}
          cancel={() => setPrinting(false)}
          done={() => {
            setPrinting(false);
            load();
          }}
        />
      )}
      <p class="note">
        {t("case.id")}: <code>{found.id}</code>
      </p>
      <div class="columns">
        <div>
          <h2>
            {t("case.record")} · {t("case.version")} {shown.version}
          </h2>
          <RecordView record={shown.record} />
        </div>
        <div>
          <h2>{t("requests.title")}</h2>
          <div class="request-panel">
            <PhotoBox id={props.id} />
            <RequestsTable requests={history.requests} changed={load} />
          </div>
          <HistoryTables history={history} current={shown.version} show={show} />
        </div>
      </div>
    </section>
  );
}

/** A case removed from this counter once headquarters held it closed: what stays is its
 * history, as ids, hashes and times, and its requests' serials. */
function PurgedCase(props: { id: string; history: History; purgedAt: string; go: Go; changed: () => void }) {
  const t = useT();
  const versions = props.history.versions;
  const last = versions[versions.length - 1];
  return (
    <section class="screen" aria-labelledby="case-title">
      <div class="titlebar">
        <h1 id="case-title">{t("case.purged_title")}</h1>
        {last && <StatusBadge status={last.status} />}
        {props.history.hq_status && (
          <span class="hq-badge" id="hq-status">
            {t("cases.hq")}: <HqStatusText status={props.history.hq_status.status} at={props.history.hq_status.at} />
          </span>
        )}
        <span class="spacer" />
        <button type="button" onClick={() => props.go({ name: "cases" })}>{t("case.back")}</button>
      </div>
      <p class="note" id="purged" role="status">
        {t("case.purged", { at: time(props.purgedAt) })}
      </p>
      <p class="note">
        {t("case.id")}: <code>{props.id}</code>
      </p>
      <div class="columns">
        <div>
          <h2>{t("requests.title")}</h2>
          <RequestsTable requests={props.history.requests} changed={props.changed} />
        </div>
        <div>
          <HistoryTables history={props.history} />
        </div>
      </div>
    </section>
  );
}

/** A case's versions (each opens its record, when `show` is given) and its audit entries. */
function HistoryTables(props: { history: History; current?: number; show?: (version: number) => void }) {
  const t = useT();
  const show = props.show;
  return (
    <>
      <h2>{t("case.versions")}</h2>
      <table class="grid" id="versions">
        <thead>
          <tr>
            <th>{t("case.version")}</th>
            <th>{t("case.saved_at")}</th>
            <th>{t("case.officer")}</th>
            <th>{t("today.status")}</th>
            <th>{t("case.reason")}</th>
          </tr>
        </thead>
        <tbody>
          {props.history.versions.map((v) => (
            <tr key={v.version} class={v.version === props.current ? "current" : ""}>
              <td>
                {show ? (
                  <button type="button" class="link" onClick={() => show(v.version)}>
                    {v.version}
                  </button>
                ) : (
                  v.version
                )}
              </td>
              <td>{time(v.saved_at)}</td>
              <td>{v.officer}</td>
              <td>
                <StatusBadge status={v.status} />
                {v.has_errors && <span class="muted"> · {t("case.errors")}</span>}
              </td>
              <td>{v.reason ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t("case.audit")}</h2>
      <table class="grid" id="audit">
        <thead>
          <tr>
            <th>#</th>
            <th>{t("case.saved_at")}</th>
            <th>{t("case.officer")}</th>
            <th>{t("case.action")}</th>
            <th>{t("case.version")}</th>
            <th>hash</th>
          </tr>
        </thead>
        <tbody>
          {props.history.audit.map((a) => (
            <tr key={a.seq}>
              <td>{a.seq}</td>
              <td>{time(a.at)}</td>
              <td>{a.officer}</td>
              <td>
                {t(`case.action.${a.action}`)}
                {a.detail && <> <code>{a.detail}</code></>}
              </td>
              <td>{a.version}</td>
              <td>
                <code title={a.hash}>{a.hash.slice(0, 12)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
