// A failed command, said in the officer's language: the sentence for its code, else the
// English detail Rust gave.
import { CommandError } from "./api";
import type { Translate } from "./i18n";

export function describe(t: Translate, e: unknown): string {
  if (e instanceof CommandError) {
    const key = `error.${e.code}`;
    const text = t(key, { message: e.message });
    return text === key ? t("error.unknown", { message: e.message }) : text;
  }
  return t("error.unknown", { message: String(e) });
}
