// The counter's own audit entries, in Settings: logins added, removed and changed,
// headquarters' key, the mission, and every batch sealed, copied to a stick and acknowledged.
// A case's own entries are on its page.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { AuditEntry } from "../bindings/AuditEntry";
import { describe } from "../errors";
import { useT } from "../i18n";
import { time } from "./common";

export function CounterLog() {
  const t = useT();
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.counterLog().then(setEntries, (e) => setError(describe(t, e)));
  }, []);
  return (
    <section class="stack" aria-labelledby="counter-log-title">
      <h2 id="counter-log-title">{t("log.title")}</h2>
      <p class="note">{t("log.note")}</p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {entries && entries.length === 0 && <p class="muted">{t("log.empty")}</p>}
      {entries && entries.length > 0 && (
        <table class="grid" id="counter-log">
          <thead>
            <tr>
              <th>#</th>
              <th>{t("log.at")}</th>
              <th>{t("case.officer")}</th>
              <th>{t("case.action")}</th>
              <th>{t("log.detail")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>{time(e.at)}</td>
                <td>{e.officer}</td>
                <td>{t(`log.action.${e.action}`)}</td>
                <td>{e.detail ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
