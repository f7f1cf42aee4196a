// The counter's settings: its mission as requests print it (in the store) and the language
// (before unlock).
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import type { MissionProfile } from "../bindings/MissionProfile";
import { describe } from "../errors";
import { useLang, useT } from "../i18n";

export function SettingsScreen(props: { status: AppStatus; changed: () => void; toggleLang: () => void }) {
  const t = useT();
  const lang = useLang();
  const [mission, setMission] = useState<MissionProfile>({
    code: props.status.mission ?? "",
    name: "",
    address: "",
    city: "",
  });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    api.mission().then(setMission, (e) => setMessage({ ok: false, text: describe(t, e) }));
  }, []);
  const field = (key: keyof MissionProfile) => ({
    value: mission[key],
    onInput: (e: Event) => setMission({ ...mission, [key]: (e.currentTarget as HTMLInputElement).value }),
  });
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
          <input id="settings-mission" {...field("code")} />
        </label>
        <label>
          {t("settings.mission_name")}
          <input id="settings-mission-name" {...field("name")} />
        </label>
        <label>
          {t("settings.mission_address")}
          <textarea id="settings-mission-address" rows={3} {...field("address")} />
        </label>
        <label>
          {t("settings.mission_city")}
          <input id="settings-mission-city" {...field("city")} />
        </label>
        <p class="note">{t("settings.mission_note")}</p>
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
