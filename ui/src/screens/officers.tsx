// The counter's officers, in Settings: each unlocks Loket with their own name and passphrase.
// Every change asks again for the passphrase of the officer at the keyboard (checked in Rust),
// so a laptop left unlocked does not let a passer-by give themselves a login.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { Officers } from "../bindings/Officers";
import { describe } from "../errors";
import { useT } from "../i18n";
import { Field } from "./common";

type Message = { ok: boolean; text: string } | null;

/** `changed` is called after each change, which the counter's log then shows. */
export function OfficersForm(props: { changed: () => void }) {
  const t = useT();
  const [officers, setOfficers] = useState<Officers | null>(null);
  const [own, setOwn] = useState("");
  const [name, setName] = useState("");
  const [theirs, setTheirs] = useState("");
  const [theirsAgain, setTheirsAgain] = useState("");
  const [mine, setMine] = useState("");
  const [mineAgain, setMineAgain] = useState("");
  const [message, setMessage] = useState<Message>(null);
  useEffect(() => {
    api.officers().then(setOfficers, (e) => setMessage({ ok: false, text: describe(t, e) }));
  }, []);

  /** Runs one change; on success the passphrases typed are cleared and `done` is said. */
  const run = async (change: () => Promise<string>) => {
    try {
      const done = await change();
      setOwn("");
      setTheirs("");
      setTheirsAgain("");
      setMine("");
      setMineAgain("");
      setMessage({ ok: true, text: done });
      props.changed();
    } catch (err) {
      setMessage({ ok: false, text: describe(t, err) });
    }
  };
  const add = (e: Event) => {
    e.preventDefault();
    if (theirs !== theirsAgain) return setMessage({ ok: false, text: t("setup.mismatch") });
    run(async () => {
      const before = officers?.officers ?? [];
      const now = await api.addOfficer(own, name, theirs);
      setOfficers(now);
      setName("");
      const added = now.officers.find((o) => !before.includes(o)) ?? name;
      return t("officers.added", { name: added });
    });
  };
  const remove = (who: string) =>
    run(async () => {
      setOfficers(await api.removeOfficer(own, who));
      return t("officers.removed", { name: who });
    });
  const change = (e: Event) => {
    e.preventDefault();
    if (mine !== mineAgain) return setMessage({ ok: false, text: t("setup.mismatch") });
    run(async () => {
      await api.changePassphrase(own, mine);
      return t("officers.changed");
    });
  };

  return (
    <section class="stack" aria-labelledby="officers-title">
      <h2 id="officers-title">{t("officers.title")}</h2>
      <p class="note">{t("officers.note")}</p>
      <ul id="officer-list" class="plain officers">
        {officers?.officers.map((o) => (
          <li key={o}>
            {o === officers.you ? (
              t("officers.you", { name: o })
            ) : (
              <>
                {o}{" "}
                <button type="button" class="link" aria-label={t("officers.remove", { name: o })} onClick={() => remove(o)}>
                  {t("officers.remove_short")}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      <Field id="own-passphrase" label={t("officers.own_passphrase")} value={own} set={setOwn} secret />
      <p id="officers-message" role={message?.ok === false ? "alert" : "status"} class={message ? (message.ok ? "ok" : "error") : "hidden"}>
        {message?.text ?? ""}
      </p>
      <form onSubmit={add} class="stack">
        <h3>{t("officers.add_title")}</h3>
        <Field id="new-officer" label={t("officers.name")} value={name} set={setName} />
        <Field id="new-officer-passphrase" label={t("officers.their_passphrase")} value={theirs} set={setTheirs} secret />
        <Field id="new-officer-passphrase-again" label={t("setup.passphrase_again")} value={theirsAgain} set={setTheirsAgain} secret />
        <button type="submit" id="add-officer">{t("officers.add")}</button>
      </form>
      <form onSubmit={change} class="stack">
        <h3>{t("officers.change_title")}</h3>
        <Field id="my-new-passphrase" label={t("officers.new_passphrase")} value={mine} set={setMine} secret />
        <Field id="my-new-passphrase-again" label={t("setup.passphrase_again")} value={mineAgain} set={setMineAgain} secret />
        <button type="submit" id="change-passphrase">{t("officers.change")}</button>
      </form>
    </section>
  );
}
