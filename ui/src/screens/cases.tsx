// Every case, or the matches of what the officer types, in a list that draws only the rows in
// view: it stays fast with 100,000 cases. Up/Down choose, Enter opens. Below, the matches
// among the mission's other counters (headquarters' index): shown whole, never opened here.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import type { CaseSummary } from "../bindings/CaseSummary";
import type { MissionCase } from "../bindings/MissionCase";
import type { Go } from "../app";
import { describe } from "../errors";
import { useT } from "../i18n";
import { mark } from "../marks";
import { pagesFor, visibleRows } from "../virtual";
import { CaseName, HqStatusText, StatusBadge, time } from "./common";

const ROW = 36;
const PAGE = 100;

export function CasesScreen(props: { go: Go }) {
  const t = useT();
  const [query, setQuery] = useState("");
  const [total, setTotal] = useState<number | null>(null);
  const [rows, setRows] = useState<Map<number, CaseSummary[]>>(new Map());
  const [scroll, setScroll] = useState(0);
  const [height, setHeight] = useState(480);
  const [selected, setSelected] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [elsewhere, setElsewhere] = useState<MissionCase[]>([]);
  // The query whose first rows are drawn (the benchmark waits for it).
  const [shown, setShown] = useState<string | null>(null);
  const list = useRef<HTMLDivElement>(null);
  // Answers to an older query are dropped: only the latest keystroke's results are shown.
  const generation = useRef(0);
  const loading = useRef(new Set<number>());

  /** Loads one page of `q`'s rows; `fresh` replaces the list (a new query) when it arrives. */
  const load = async (gen: number, q: string, page: number, fresh = false) => {
    const pending = loading.current;
    if (pending.has(page)) return;
    pending.add(page);
    try {
      const result = await api.cases(q, page * PAGE, PAGE);
      if (gen !== generation.current) return;
      setTotal(result.total);
      if (fresh) {
        // The old rows stay until the new ones are here: no flash of empty rows per keystroke.
        setRows(new Map([[0, result.items]]));
        setSelected(0);
        if (list.current) list.current.scrollTop = 0;
        setScroll(0);
      } else {
        setRows((old) => new Map(old).set(page, result.items));
      }
      if (page === 0) setShown(q);
    } catch (e) {
      if (gen === generation.current) setError(describe(t, e));
    } finally {
      pending.delete(page);
    }
  };

  /** A new query: asked at once from the keystroke (not after the next frame). */
  const search = (q: string) => {
    setQuery(q);
    setError(null);
    const gen = ++generation.current;
    loading.current = new Set();
    void load(gen, q, 0, true);
    if (!q.trim()) setElsewhere([]);
    else
      api.missionCases(q).then(
        (found) => gen === generation.current && setElsewhere(found),
        (e) => gen === generation.current && setError(describe(t, e)),
      );
  };

  useEffect(() => {
    mark("cases-open");
    document.getElementById("search")?.focus();
    search("");
  }, []);
  useEffect(() => {
    if (shown !== null) mark("rows-shown");
  }, [shown]);
  useEffect(() => {
    const measure = () => list.current && setHeight(list.current.clientHeight);
    measure();
    window.addEventListener("resize", measure);
    return () => window.removeEventListener("resize", measure);
  }, []);

  const count = total ?? 0;
  const view = visibleRows(scroll, height, ROW, count);
  useEffect(() => {
    for (const page of pagesFor(view, PAGE)) {
      if (!rows.has(page)) void load(generation.current, query, page);
    }
  }, [view.first, view.last, rows]);

  const row = (i: number): CaseSummary | undefined => rows.get(Math.floor(i / PAGE))?.[i % PAGE];
  const open = (i: number) => {
    const c = row(i);
    if (c) props.go({ name: "case", id: c.id });
  };
  const move = (to: number) => {
    const i = Math.max(0, Math.min(count - 1, to));
    setSelected(i);
    const el = list.current;
    if (!el) return;
    if (i * ROW < el.scrollTop) el.scrollTop = i * ROW;
    else if ((i + 1) * ROW > el.scrollTop + el.clientHeight) el.scrollTop = (i + 1) * ROW - el.clientHeight;
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown") move(selected + 1);
    else if (e.key === "ArrowUp") move(selected - 1);
    else if (e.key === "PageDown") move(selected + Math.floor(height / ROW));
    else if (e.key === "PageUp") move(selected - Math.floor(height / ROW));
    else if (e.key === "Enter") open(selected);
    else return;
    e.preventDefault();
  };

  const drawn = [];
  for (let i = view.first; i < view.last; i++) {
    const c = row(i);
    drawn.push(
      <div
        key={i}
        id={`case-row-${i}`}
        role="option"
        aria-selected={i === selected}
        class={i === selected ? "row selected" : "row"}
        style={{ top: `${i * ROW}px`, height: `${ROW}px` }}
        onClick={() => open(i)}
      >
        {c ? (
          <>
            <span class="ticket">{c.ticket ?? "—"}</span>
            <span class="name">
              <CaseName c={c} />
            </span>
            <StatusBadge status={c.status} />
            <span class="when">{time(c.updated_at)}</span>
          </>
        ) : (
          <span class="name muted">{t("cases.loading")}</span>
        )}
      </div>,
    );
  }

  return (
    <section class="screen cases" aria-labelledby="cases-title">
      <h1 id="cases-title">{t("cases.title")}</h1>
      <label class="search">
        {t("cases.search")}
        <input
          id="search"
          type="search"
         
          autoComplete="off"
          value={query}
          onInput={(e) => search(e.currentTarget.value)}
          onKeyDown={onKey}
          aria-controls="case-list"
          aria-activedescendant={count ? `case-row-${selected}` : undefined}
        />
      </label>
      <p class="note" id="case-count" aria-live="polite">
        {total === null ? t("cases.loading") : query.trim() ? t("cases.found", { n: count }) : t("cases.count", { n: count })}
      </p>
      {error && <p role="alert" class="error">{error}</p>}
      {total === 0 && query.trim() !== "" && <p class="empty">{t("cases.none")}</p>}
      <div
        id="case-list"
        class="list"
        role="listbox"
        tabIndex={0}
        ref={list}
        data-shown={shown === null ? undefined : `q:${shown}`}
        onKeyDown={onKey}
        onScroll={(e) => setScroll(e.currentTarget.scrollTop)}
      >
        <div style={{ height: `${count * ROW}px`, position: "relative" }}>{drawn}</div>
      </div>
      {elsewhere.length > 0 && <Elsewhere cases={elsewhere} />}
    </section>
  );
}

/** Matches at the mission's other counters: every detail in its row, nothing to open. */
function Elsewhere(props: { cases: MissionCase[] }) {
  const t = useT();
  return (
    <section class="elsewhere" aria-labelledby="elsewhere-title">
      <h2 id="elsewhere-title">
        {t("cases.elsewhere")} <span class="note">({props.cases.length})</span>
      </h2>
      <p class="note">{t("cases.elsewhere_note")}</p>
      <div class="elsewhere-rows">
        <table class="grid" id="mission-cases">
          <thead>
            <tr>
              <th>{t("cases.ticket")}</th>
              <th>{t("cases.name")}</th>
              <th>{t("cases.born")}</th>
              <th>{t("cases.counter")}</th>
              <th>{t("cases.status")}</th>
              <th>{t("cases.hq")}</th>
            </tr>
          </thead>
          <tbody>
            {props.cases.map((c) => (
              <tr key={c.id} title={`${t("case.id")}: ${c.id}`}>
                <td>{c.ticket ?? "—"}</td>
                <td class="name">{c.full_name || "—"}</td>
                <td>{c.date_of_birth ?? "—"}</td>
                <td>
                  <code title={c.device_id}>{c.device_id.slice(0, 8)}</code>
                </td>
                <td>
                  <span class={`badge ${c.status}`}>{t(`status.${c.status}`)}</span>
                </td>
                <td>{c.hq_status ? <HqStatusText status={c.hq_status} /> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
