// Exit-permit lists: the annex of the mission's note asking Cambodia's immigration for exit
// permits and overstay-fine waivers. The next list names every finalised case no list named
// yet; a list made before prints again as it was made.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { ExitLists as Lists } from "../bindings/ExitLists";
import { describe } from "../errors";
import { useT } from "../i18n";
import { time } from "./common";
import { PrintForm } from "./requests";

/** The newest lists shown; the command line (`loket exit-list list`) has every one. */
const SHOWN = 5;

/** How many people wait for the next list, a button to print it, and the latest lists made,
 * each with a button to print it again. Loaded after the day's figures. */
export function ExitLists() {
  const t = useT();
  const [lists, setLists] = useState<Lists | null>(null);
  const [printing, setPrinting] = useState<{ label: string | null } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => api.exitLists().then(setLists, (e) => setError(describe(t, e)));
  useEffect(() => {
    load();
  }, []);
  if (!lists) return error ? <p role="alert" class="error">{error}</p> : null;
  const n = lists.pending;
  return (
    <div id="exit-lists">
      <h2>{t("exit.title")}</h2>
      {error && <p role="alert" class="error">{error}</p>}
      {done && <p role="status">{t("exit.done", { label: done })}</p>}
      <p class="note">
        {n === 0 ? t("exit.none_waiting") : n === 1 ? t("exit.waiting_one") : t("exit.waiting", { n })}{" "}
        {n > 0 && (
          <button type="button" id="exit-list-make" onClick={() => setPrinting({ label: null })}>
            {t("exit.make")}
          </button>
        )}
      </p>
      {lists.lists.length > 0 && (
        <table class="grid" id="exit-list-table">
          <thead>
            <tr>
              <th>{t("exit.list")}</th>
              <th>{t("exit.made")}</th>
              <th>{t("exit.people")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {lists.lists.slice(0, SHOWN).map((l) => (
              <tr key={l.label}>
                <td><code>{l.label}</code></td>
                <td>{time(l.made_at)} · {l.officer}</td>
                <td>{l.people}</td>
                <td>
                  <button type="button" class="link" onClick={() => setPrinting({ label: l.label })}>
                    {t("exit.again")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {printing && (
        <ExitListDialog
          label={printing.label}
          people={n}
          cancel={() => setPrinting(null)}
          done={(label) => {
            setPrinting(null);
            setDone(label);
            load();
          }}
        />
      )}
    </div>
  );
}

/** Chooses the printer (or the PDF viewer) and prints list `label`, or the next list. */
function ExitListDialog(props: { label: string | null; people: number; done: (label: string) => void; cancel: () => void }) {
  const t = useT();
  return (
    <PrintForm
      title={props.label ? t("exit.again_title", { label: props.label }) : t("exit.make_title")}
      go={t("print.print")}
      goId="exit-list-go"
      act={(printer) => api.printExitList(props.label, printer)}
      done={(list) => props.done(list.label)}
      cancel={props.cancel}
      note={
        <p class="note">
          {props.label ? t("exit.again_note") : props.people === 1 ? t("exit.make_note_one") : t("exit.make_note", { n: props.people })}
        </p>
      }
    />
  );
}
