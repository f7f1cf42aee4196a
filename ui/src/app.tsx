// The window: the lock screen until the store is open, then the counter's screens under one
// header. Shortcuts work everywhere (see `shortcut.list`).
import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { api } from "./api";
import type { AppStatus } from "./bindings/AppStatus";
import type { Lang } from "./bindings/Lang";
import { I18n, translator, useT } from "./i18n";
import { CaseScreen } from "./screens/case";
import { CasesScreen } from "./screens/cases";
import { IntakeScreen } from "./screens/intake";
import { SettingsScreen } from "./screens/settings";
import { SyncBar } from "./screens/sync-bar";
import { TodayScreen } from "./screens/today";
import { UsbScreen } from "./screens/usb";
import { InUseScreen, SetupScreen, UnlockScreen } from "./screens/unlock";

export type Screen =
  | { name: "today" }
  | { name: "intake"; caseId?: string; n: number }
  | { name: "cases" }
  | { name: "case"; id: string }
  | { name: "usb" }
  | { name: "settings" };

export type Go = (screen: Screen) => void;

let intakeCount = 0;
export const newIntake = (caseId?: string): Screen => ({ name: "intake", caseId, n: ++intakeCount });

export function App() {
  const [status, setStatus] = useState<AppStatus | null>(null);
  const [lang, setLang] = useState<Lang>("id");
  const [screen, setScreen] = useState<Screen>({ name: "today" });
  const t = useMemo(() => translator(lang), [lang]);

  const refresh = useCallback(async () => {
    const s = await api.status();
    setStatus(s);
    setLang(s.lang);
  }, []);
  useEffect(() => void refresh(), [refresh]);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const toggleLang = useCallback(() => {
    setLang((current) => {
      const next: Lang = current === "id" ? "en" : "id";
      void api.setLanguage(next);
      return next;
    });
  }, []);

  const open = status?.store === "open";
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.ctrlKey || e.altKey) return;
      const key = e.key.toLowerCase();
      const go = (s: Screen) => {
        e.preventDefault();
        if (open) setScreen(s);
      };
      if (key === "l") {
        e.preventDefault();
        toggleLang();
      } else if (key === "n") go(newIntake());
      else if (key === "f") go({ name: "cases" });
      else if (key === "1") go({ name: "today" });
      else if (key === "e") go({ name: "usb" });
      else if (key === ",") go({ name: "settings" });
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open, toggleLang]);

  const lock = async () => {
    await api.lock();
    setScreen({ name: "today" });
    await refresh();
  };

  let body;
  if (!status) body = null;
  else if (status.store === "inuse") body = <InUseScreen />;
  else if (status.store === "missing") body = <SetupScreen done={refresh} dataDir={status.data_dir} />;
  else if (status.store === "locked") body = <UnlockScreen done={refresh} dataDir={status.data_dir} />;
  else
    body = (
      <>
        <Header status={status} screen={screen} go={setScreen} lock={lock} toggleLang={toggleLang} />
        <main id="main">
          {screen.name === "today" && <TodayScreen go={setScreen} />}
          {screen.name === "intake" && <IntakeScreen key={screen.n} caseId={screen.caseId} go={setScreen} />}
          {screen.name === "cases" && <CasesScreen go={setScreen} />}
          {screen.name === "case" && <CaseScreen id={screen.id} go={setScreen} />}
          {screen.name === "usb" && <UsbScreen />}
          {screen.name === "settings" && <SettingsScreen status={status} changed={refresh} toggleLang={toggleLang} />}
        </main>
        <SyncBar />
      </>
    );
  return <I18n.Provider value={{ lang, t }}>{body}</I18n.Provider>;
}

function Header(props: { status: AppStatus; screen: Screen; go: Go; lock: () => void; toggleLang: () => void }) {
  const { status, screen, go } = props;
  const t = useT();
  const tab = (name: Screen["name"], label: string, shortcut: string, target: Screen) => (
    <button
      type="button"
      class={screen.name === name || (name === "cases" && screen.name === "case") ? "tab active" : "tab"}
      aria-current={screen.name === name ? "page" : undefined}
      onClick={() => go(target)}
      title={shortcut}
    >
      {label} <kbd>{shortcut}</kbd>
    </button>
  );
  return (
    <header class="bar">
      <div class="brand">
        <strong>{t("app.name")}</strong>
        <span>{t("nav.mission", { code: status.mission ?? "" })}</span>
      </div>
      <nav aria-label={t("app.name")}>
        {tab("today", t("nav.today"), "Ctrl+1", { name: "today" })}
        {tab("intake", t("nav.new"), "Ctrl+N", newIntake())}
        {tab("cases", t("nav.cases"), "Ctrl+F", { name: "cases" })}
        {tab("usb", t("nav.usb"), "Ctrl+E", { name: "usb" })}
        {tab("settings", t("nav.settings"), "Ctrl+,", { name: "settings" })}
      </nav>
      <div class="who">
        <span>{t("nav.officer", { name: status.officer ?? "" })}</span>
        <button type="button" class="ghost" onClick={props.toggleLang} title="Ctrl+L">
          {t("nav.language")} <kbd>Ctrl+L</kbd>
        </button>
        <button type="button" class="ghost" onClick={props.lock}>
          {t("nav.lock")}
        </button>
      </div>
    </header>
  );
}
