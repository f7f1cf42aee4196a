// Before anything else: create the store (first run) or unlock it. Nothing of a case is
// readable until the passphrase is given.
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { describe } from "../errors";
import { useT } from "../i18n";
import { mark } from "../marks";
import { Field } from "./common";

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

/**
 * One form that sends its fields to Rust: `first` has focus when it appears, `send` runs on
 * submit (a text returned is the reason it did not), and what fails is said in the form.
 */
function LockForm(props: {
  first: string;
  submitLabel: string;
  send: () => Promise<string | void>;
  done: () => void;
  children: preact.ComponentChildren;
}) {
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => document.getElementById(props.first)?.focus(), []);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const refused = await props.send();
      if (refused) {
        setError(refused);
        setBusy(false);
      } else props.done();
    } catch (err) {
      setError(describe(t, err));
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} class="stack">
      {props.children}
      {error && <p role="alert" class="error">{error}</p>}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t("unlock.opening") : props.submitLabel}
      </button>
    </form>
  );
}

export function UnlockScreen(props: { done: () => void; dataDir: string }) {
  const t = useT();
  const [officer, setOfficer] = useState("");
  const [passphrase, setPassphrase] = useState("");
  useEffect(() => mark("unlock-screen"), []);
  const send = async () => {
    mark("unlock-submit");
    await api.unlock(passphrase, officer);
    mark("store-open");
    setPassphrase("");
  };
  return (
    <Card title={t("unlock.title")} lead={t("unlock.lead")} dataDir={props.dataDir}>
      <LockForm first="officer" submitLabel={t("unlock.submit")} send={send} done={props.done}>
        <Field id="officer" label={t("unlock.officer")} value={officer} set={setOfficer} />
        <Field id="passphrase" label={t("unlock.passphrase")} value={passphrase} set={setPassphrase} secret />
      </LockForm>
    </Card>
  );
}

export function SetupScreen(props: { done: () => void; dataDir: string }) {
  const t = useT();
  const [mission, setMission] = useState("");
  const [officer, setOfficer] = useState("");
  const [passphrase, setPassphrase] = useState("");
  const [again, setAgain] = useState("");
  const send = async () => {
    if (passphrase !== again) return t("setup.mismatch");
    await api.createStore(mission.trim().toUpperCase(), passphrase, officer);
  };
  return (
    <Card title={t("setup.title")} lead={t("setup.lead")} dataDir={props.dataDir}>
      <LockForm first="mission" submitLabel={t("setup.submit")} send={send} done={props.done}>
        <Field id="mission" label={t("setup.mission")} value={mission} set={setMission} />
        <Field id="officer" label={t("unlock.officer")} value={officer} set={setOfficer} />
        <Field id="passphrase" label={t("unlock.passphrase")} value={passphrase} set={setPassphrase} secret />
        <Field id="passphrase-again" label={t("setup.passphrase_again")} value={again} set={setAgain} secret />
      </LockForm>
    </Card>
  );
}

export function InUseScreen() {
  const t = useT();
  return <Card title={t("inuse.title")} lead={t("inuse.lead")}>{null}</Card>;
}
