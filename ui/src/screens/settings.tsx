// The counter's settings: its mission as requests print it and headquarters' address for
// network sync (both in the store), and the language (before unlock).
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { AppStatus } from "../bindings/AppStatus";
import type { MissionProfile } from "../bindings/MissionProfile";
import { describe } from "../errors";
import { useLang, useT } from "../i18n";
import { CounterLog } from "./counter-log";
import { OfficersForm } from "./officers";

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
  // Bumped by every change that writes to the counter's log, which then reads it again.
  const [logged, setLogged] = useState(0);
  const logChanged = () => setLogged((n) => n + 1);
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
      logChanged();
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
      <HqUrlForm />
      <OfficersForm changed={logChanged} />
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
      <CounterLog key={logged} />
    </section>
  );
}

/** Headquarters' address: checked by the store when saved; the error shows at the field. */
function HqUrlForm() {
  const t = useT();
  const [url, setUrl] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    api.hqUrl().then(
      (stored) => setUrl(stored ?? ""),
      (e) => setMessage({ ok: false, text: describe(t, e) }),
    );
  }, []);
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const stored = await api.setHqUrl(url);
      setUrl(stored ?? "");
      setMessage({ ok: true, text: stored ? t("settings.hq_saved") : t("settings.hq_cleared") });
    } catch (err) {
      setMessage({ ok: false, text: describe(t, err) });
    }
  };
  const bad = message !== null && !message.ok;
  return (
    <form onSubmit={save} class="stack" aria-labelledby="settings-hq">
      <h2 id="settings-hq">{t("settings.hq")}</h2>
      <label class={bad ? "field has-error" : "field"}>
        {t("settings.hq_url")}
        <input
          id="settings-hq-url"
          inputMode="url"
          spellcheck={false}
          autoComplete="off"
          placeholder="https://…"
          value={url}
          aria-invalid={bad}
          aria-describedby="settings-hq-url-message"
          onInput={(e) => {
            setUrl(e.currentTarget.value);
            if (bad) setMessage(null);
          }}
        />
      </label>
      <p id="settings-hq-url-message" role={bad ? "alert" : "status"} class={message ? (message.ok ? "ok" : "error") : "hidden"}>
        {message?.text ?? ""}
      </p>
      <p class="note">{t("settings.hq_url_note")}</p>
      <button type="submit" id="save-hq-url" class="primary">
        {t("settings.save_hq_url")}
      </button>
    </form>
  );
}
