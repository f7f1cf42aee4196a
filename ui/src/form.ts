// The intake form, section by section, in the order of the interview. Each field is named by
// its JSON path in loket.intake/1: the same path validation findings carry, so a finding is
// shown at its field. Labels and option names live in the translation files under
// `field.<path>` and `option.<list>.<value>`.

export type FieldKind =
  | { type: "text"; upper?: boolean; wide?: boolean; placeholder?: string }
  | { type: "date" }
  | { type: "number" }
  | { type: "textarea" }
  | { type: "select"; options: string; values: readonly string[] }
  | { type: "checks"; options: string; values: readonly string[] }
  | { type: "bool" }
  | { type: "list" };

export interface Field {
  path: string;
  kind: FieldKind;
  required?: boolean;
}

export interface Section {
  id: string;
  fields: Field[];
}

const text = (path: string, extra: Partial<Field> & { upper?: boolean; wide?: boolean } = {}): Field => ({
  path,
  kind: { type: "text", upper: extra.upper, wide: extra.wide },
  required: extra.required,
});
const date = (path: string, required = false): Field => ({ path, kind: { type: "date" }, required });
const select = (path: string, options: string, values: readonly string[], required = false): Field => ({
  path,
  kind: { type: "select", options, values },
  required,
});

export const SEX = ["M", "F"] as const;
export const EVIDENCE = [
  "ektp",
  "kk",
  "birth_certificate",
  "marriage_book",
  "diploma",
  "driving_licence",
  "government_letter",
  "passport_copy",
] as const;
export const PASSPORT_STATUS = [
  "held",
  "confiscated",
  "lost",
  "stolen",
  "damaged",
  "expired",
  "never_issued",
] as const;
export const VISA = ["tourist", "business", "work_permit", "residence_permit", "none", "unknown"] as const;
export const ANSWER = ["yes", "no", "declined"] as const;
export const SCREENING = [
  "deceptive_recruitment",
  "told_to_lie",
  "documents_taken",
  "movement_restricted",
  "isolated",
  "violence",
  "threats",
  "debt_or_ransom",
  "wages_withheld",
  "excessive_hours",
  "abusive_conditions",
  "moved_between_sites",
  "knowingly_joined",
] as const;
export const VULNERABILITY = ["minor", "pregnant", "ill", "injured", "mental_distress", "disability"] as const;
export const DOCUMENT = ["splp", "none"] as const;
export const REASON = ["lost", "stolen", "confiscated", "damaged", "expired", "illegal_stay", "revoked"] as const;
export const FUNDING = ["self", "family", "state", "other"] as const;

export const SECTIONS: Section[] = [
  {
    id: "identity",
    fields: [
      text("ticket"),
      text("person.full_name", { upper: true, required: true, wide: true }),
      { path: "person.aliases", kind: { type: "list" } },
      select("person.sex", "sex", SEX, true),
      date("person.date_of_birth", true),
      text("person.place_of_birth", { upper: true, required: true }),
      text("person.nik"),
      text("person.kk_number"),
      text("person.mother_name", { upper: true }),
      text("person.phone"),
      text("person.address_id.line", { wide: true }),
      text("person.address_id.village"),
      text("person.address_id.district"),
      text("person.address_id.regency"),
      text("person.address_id.province"),
      text("person.next_of_kin.name"),
      text("person.next_of_kin.relation"),
      text("person.next_of_kin.phone"),
    ],
  },
  {
    id: "evidence",
    fields: [{ path: "evidence", kind: { type: "checks", options: "evidence", values: EVIDENCE } }],
  },
  {
    id: "passport",
    fields: [
      select("passport.status", "passport_status", PASSPORT_STATUS, true),
      text("passport.number", { upper: true }),
      date("passport.expiry_date"),
      text("passport.mrz.0", { upper: true, wide: true }),
      text("passport.mrz.1", { upper: true, wide: true }),
    ],
  },
  {
    id: "stay",
    fields: [
      date("stay.entry_date"),
      text("stay.entry_point", { upper: true }),
      select("stay.visa", "visa", VISA),
      date("stay.permit_expiry"),
      { path: "stay.overstay_days", kind: { type: "number" } },
    ],
  },
  {
    id: "compound",
    fields: [
      text("compound.location", { upper: true }),
      date("compound.from"),
      date("compound.until"),
      { path: "compound.wages_paid", kind: { type: "bool" } },
    ],
  },
  {
    id: "screening",
    fields: SCREENING.map((k) => select(`screening.${k}`, "answer", ANSWER)),
  },
  {
    id: "vulnerability",
    fields: [{ path: "vulnerability", kind: { type: "checks", options: "vulnerability", values: VULNERABILITY } }],
  },
  {
    id: "request",
    fields: [
      select("request.document", "document", DOCUMENT, true),
      select("request.reason", "reason", REASON),
      text("request.port_of_entry", { upper: true }),
      select("request.travel_funding", "funding", FUNDING),
    ],
  },
  {
    id: "consent",
    fields: [{ path: "consent.privacy_notice_given", kind: { type: "bool" } }],
  },
  {
    id: "notes",
    fields: [{ path: "notes", kind: { type: "textarea" } }],
  },
];

/** Every field path of the form. */
export const FIELD_PATHS: string[] = SECTIONS.flatMap((s) => s.fields.map((f) => f.path));

/**
 * The form field a finding belongs to: its own path, or the closest field above it
 * (`passport.mrz` findings go to the first MRZ line, `person.aliases.1` to the aliases).
 */
export function fieldFor(findingPath: string): string | undefined {
  const path = findingPath.replace(/\[(\d+)\]/g, ".$1");
  if (FIELD_PATHS.includes(path)) return path;
  const below = FIELD_PATHS.find((p) => p.startsWith(path + "."));
  if (below) return below;
  const parts = path.split(".");
  while (parts.length > 1) {
    parts.pop();
    const up = parts.join(".");
    if (FIELD_PATHS.includes(up)) return up;
  }
  return undefined;
}
