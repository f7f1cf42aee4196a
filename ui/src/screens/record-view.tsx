// A record read-only, section by section, with the form's labels: the case screen and the
// duplicate comparison show records this way.
import type { IntakeRecord } from "../bindings/IntakeRecord";
import { SECTIONS, type Field } from "../form";
import { useT } from "../i18n";
import { getPath } from "../record";

export function shownValue(t: (k: string) => string, field: Field, value: unknown): string {
  if (value === undefined || value === null || value === "") return "";
  const k = field.kind;
  if (Array.isArray(value)) {
    return value
      .map((v) => (k.type === "checks" ? label(t, `option.${k.options}.${v}`, String(v)) : String(v)))
      .join(k.type === "list" ? "; " : ", ");
  }
  if (k.type === "select") return label(t, `option.${k.options}.${value}`, String(value));
  if (typeof value === "boolean") return value ? t("intake.yes") : t("intake.no");
  return String(value);
}

function label(t: (k: string) => string, key: string, fallback: string) {
  const text = t(key);
  return text === key ? fallback : text;
}

export function RecordView(props: { record: IntakeRecord; only?: string[] }) {
  const t = useT();
  return (
    <dl class="record">
      {SECTIONS.flatMap((s) =>
        s.fields
          .filter((f) => !props.only || props.only.includes(f.path))
          .map((f) => {
            const text = shownValue(t, f, getPath(props.record, f.path));
            if (!text && !props.only) return null;
            return (
              <div key={f.path} class="pair">
                <dt>{t(`field.${f.path}`)}</dt>
                <dd data-path={f.path}>{text || "—"}</dd>
              </div>
            );
          }),
      )}
    </dl>
  );
}
