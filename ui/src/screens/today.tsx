// The counter's day: how many people were interviewed, how many cases are still drafts or
// finalised, and today's queue in the order it was served.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { Today } from "../bindings/Today";
import type { Go } from "../app";
import { describe } from "../errors";
import { useT } from "../i18n";
import { mark } from "../marks";
import { CaseName, Count, StatusBadge, time } from "./common";

export function TodayScreen(props: { go: Go }) {
  const t = useT();
  const [today, setToday] = useState<Today | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.today().then(
      (today) => {
        mark("today-data");
        setToday(today);
      },
      (e) => setError(describe(t, e)),
    );
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
    </section>
  );
}
