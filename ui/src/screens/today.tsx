// The counter's day: how many people were interviewed, how many cases are still drafts or
// finalised, today's queue in the order it was served, and the open cases of people
// headquarters reports departed, to close in one go, and the exit-permit lists.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { Today } from "../bindings/Today";
import type { Go } from "../app";
import { describe } from "../errors";
import { useT } from "../i18n";
import { mark } from "../marks";
import { CaseName, Count, StatusBadge, time } from "./common";
import { ExitLists } from "./exit-lists";

export function TodayScreen(props: { go: Go }) {
  const t = useT();
  const [today, setToday] = useState<Today | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    api.today().then(
      (today) => {
        mark("today-data");
        setToday(today);
      },
      (e) => setError(describe(t, e)),
    );
  useEffect(() => {
    load();
  }, []);
  useEffect(() => {
    if (today) mark("today-shown");
  }, [today]);
  if (error) return <p role="alert" class="error">{error}</p>;
  if (!today) return null;
  return (
    <section class="screen" aria-labelledby="today-title">
      <h1 id="today-title">{t("today.title")}</h1>
      <div class="counts">
        <Count label={t("today.intakes")} n={today.intakes} id="count-intakes" />
        <Count label={t("today.drafts")} n={today.drafts} id="count-drafts" />
        <Count label={t("today.finalised")} n={today.finalised} id="count-finalised" />
        <Count label={t("today.printed")} n={today.printed} id="count-printed" />
      </div>
      <Departed onClosed={load} />
      <h2>{t("today.queue")}</h2>
      {today.cases.length < today.intakes && (
        <p class="note" id="today-latest">
          {t("today.latest", { shown: today.cases.length, n: today.intakes })}
        </p>
      )}
      {today.cases.length === 0 ? (
        <p class="empty">{t("today.empty")}</p>
      ) : (
        <table class="grid">
          <thead>
            <tr>
              <th>{t("today.ticket")}</th>
              <th>{t("today.name")}</th>
              <th>{t("today.status")}</th>
              <th>{t("today.changed")}</th>
            </tr>
          </thead>
          <tbody>
            {today.cases.map((c) => (
              <tr key={c.id}>
                <td>{c.ticket ?? "—"}</td>
                <td>
                  <button type="button" class="link" onClick={() => props.go({ name: "case", id: c.id })}>
                    <CaseName c={c} />
                  </button>
                </td>
                <td>
                  <StatusBadge status={c.status} />
                </td>
                <td>{time(c.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ExitLists />
    </section>
  );
}

/** The open cases of people headquarters reports departed: a line, and closing them all after
 * a confirmation (then `onClosed`, so the queue shows them closed). Loaded after the day's
 * figures, so it never holds up the screen. */
function Departed(props: { onClosed: () => void }) {
  const t = useT();
  const [ids, setIds] = useState<string[]>([]);
  const [asking, setAsking] = useState(false);
  const [done, setDone] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => api.departedOpen().then(setIds, (e) => setError(describe(t, e)));
  useEffect(() => {
    load();
  }, []);
  const close = () =>
    api.closeDeparted().then(
      (n) => {
        setAsking(false);
        setDone(n);
        load();
        props.onClosed();
      },
      (e) => setError(describe(t, e)),
    );
  const n = ids.length;
  return (
    <div id="today-departed">
      {error && <p role="alert" class="error">{error}</p>}
      {done !== null && (
        <p role="status">
          {done === 1 ? t("today.departed_done_one") : t("today.departed_done", { n: done })}
        </p>
      )}
      {n > 0 && !asking && (
        <p class="note">
          {n === 1 ? t("today.departed_one") : t("today.departed", { n })}{" "}
          <button type="button" id="close-departed" onClick={() => setAsking(true)}>
            {t("today.departed_close")}
          </button>
        </p>
      )}
      {n > 0 && asking && (
        <div role="alertdialog" aria-labelledby="departed-confirm">
          <p id="departed-confirm">
            {n === 1 ? t("today.departed_confirm_one") : t("today.departed_confirm", { n })}
          </p>
          <div class="actions">
            <button type="button" id="close-departed-no" onClick={() => setAsking(false)}>
              {t("today.departed_no")}
            </button>
            <button type="button" class="primary" id="close-departed-yes" onClick={close} autoFocus>
              {t("today.departed_yes")}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
