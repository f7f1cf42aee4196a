// The counter's settings: its mission code (in the store) and the language (before unlock).
import { useState } from "preact/hooks";
import { api } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import { describe } from "../errors";
import { useLang, useT } from "../i18n";

export function SettingsScreen(props: { status: AppStatus; changed: () => void; toggleLang: () => void }) {
  const t = useT();
  const lang = useLang();
  const [mission, setMission] = useState(props.status.mission ?? "");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      setMission(await api.setMission(mission));
      setMessage({ ok: true, text: t("settings.saved") });
      props.changed();
    } catch (err) {
      setMessage({ ok: false, text: describe(t, err) });
    }
  };
  return (
    <section class="screen narrow" aria-labelledby="settings-title">
      <h1 id="settings-title">{t("settings.title")}</h1>
      <form onSubmit={save} class="stack">
        <label>
          {t("settings.mission")}
          <input id="settings-mission" value={mission} onInput={(e) => setMission(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">{t("settings.save_mission")}</button>
        {message && <p role={message.ok ? "status" : "alert"} class={message.ok ? "ok" : "error"}>{message.text}</p>}
      </form>
      <fieldset class="stack">
        <legend>{t("settings.language")}</legend>
        {(["id", "en"] as const).map((l) => (
          <label class="inline" key={l}>
            <input type="radio" name="lang" checked={lang === l} onChange={() => lang !== l && props.toggleLang()} />
            {t(`lang.${l}`)}
          </label>
        ))}
      </fieldset>
      <p class="note">
        {t("settings.data_dir")}: <code>{props.status.data_dir}</code>
      </p>
    </section>
  );
}
