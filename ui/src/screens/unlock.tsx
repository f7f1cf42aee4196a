// Before anything else: create the store (first run) or unlock it. Nothing of a case is
// readable until the passphrase is given.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { describe } from "../errors";
import { useT } from "../i18n";
import { mark } from "../marks";

function Card(props: { title: string; lead: string; children: preact.ComponentChildren; dataDir?: string }) {
  const t = useT();
  return (
    <main class="lock">
      <section class="card">
        <p class="brandline">{t("app.name")} · {t("app.tagline")}</p>
        <h1>{props.title}</h1>
        <p>{props.lead}</p>
        {props.children}
        {props.dataDir && <p class="note">{t("datadir", { dir: props.dataDir })}</p>}
        <p class="note">Ctrl+L: {t("nav.language")}</p>
      </section>
    </main>
  );
}

export function UnlockScreen(props: { done: () => void; dataDir: string }) {
  const t = useT();
  const [officer, setOfficer] = useState("");
  const [passphrase, setPassphrase] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.getElementById("officer")?.focus();
    mark("unlock-screen");
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    mark("unlock-submit");
    try {
      await api.unlock(passphrase, officer);
      setPassphrase("");
      props.done();
    } catch (err) {
      setError(describe(t, err));
      setBusy(false);
    }
  };
  return (
    <Card title={t("unlock.title")} lead={t("unlock.lead")} dataDir={props.dataDir}>
      <form onSubmit={submit} class="stack">
        <label>
          {t("unlock.officer")}
          <input id="officer" value={officer} onInput={(e) => setOfficer(e.currentTarget.value)} />
        </label>
        <label>
          {t("unlock.passphrase")}
          <input
            id="passphrase"
            type="password"
            value={passphrase}
            onInput={(e) => setPassphrase(e.currentTarget.value)}
          />
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("unlock.opening") : t("unlock.submit")}
        </button>
      </form>
    </Card>
  );
}

export function SetupScreen(props: { done: () => void; dataDir: string }) {
  const t = useT();
  const [mission, setMission] = useState("");
  const [officer, setOfficer] = useState("");
  const [passphrase, setPassphrase] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => document.getElementById("mission")?.focus(), []);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (passphrase !== again) {
      setError(t("setup.mismatch"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.createStore(mission.trim().toUpperCase(), passphrase, officer);
      props.done();
    } catch (err) {
      setError(describe(t, err));
      setBusy(false);
    }
  };
  return (
    <Card title={t("setup.title")} lead={t("setup.lead")} dataDir={props.dataDir}>
      <form onSubmit={submit} class="stack">
        <label>
          {t("setup.mission")}
          <input id="mission" value={mission} onInput={(e) => setMission(e.currentTarget.value)} />
        </label>
        <label>
          {t("unlock.officer")}
          <input id="officer" value={officer} onInput={(e) => setOfficer(e.currentTarget.value)} />
        </label>
        <label>
          {t("unlock.passphrase")}
          <input id="passphrase" type="password" value={passphrase} onInput={(e) => setPassphrase(e.currentTarget.value)} />
        </label>
        <label>
          {t("setup.passphrase_again")}
          <input id="passphrase-again" type="password" value={again} onInput={(e) => setAgain(e.currentTarget.value)} />
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("unlock.opening") : t("setup.submit")}
        </button>
      </form>
    </Card>
  );
}

export function InUseScreen() {
  const t = useT();
  return <Card title={t("inuse.title")} lead={t("inuse.lead")}>{null}</Card>;
}
