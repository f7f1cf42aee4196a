// Every string the officer sees, in Bahasa Indonesia (first) and English. Keys are flat
// ("field.person.nik"); `{name}` placeholders are filled from `vars`. A test fails when a key
// is missing in either language or used in the code without a translation.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Lang } from "./bindings/Lang";
import en from "./i18n/en.json";
import id from "./i18n/id.json";

export const MESSAGES: Record<Lang, Record<string, string>> = { id, en };

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): Translate {
  const table = MESSAGES[lang];
  return (key, vars) => {
    const text = table[key] ?? key;
    return vars ? text.replace(/\{(\w+)\}/g, (all, name) => (name in vars ? String(vars[name]) : all)) : text;
  };
}

export const I18n = createContext<{ lang: Lang; t: Translate }>({ lang: "id", t: translator("id") });

export function useT(): Translate {
  return useContext(I18n).t;
}

export function useLang(): Lang {
  return useContext(I18n).lang;
}
