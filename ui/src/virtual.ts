// A list of 100,000 cases cannot be drawn whole: only the rows in view (and a few beyond)
// exist in the page, and rows are fetched from Rust a page at a time.

export interface Window {
  first: number;
  last: number; // exclusive
}

/** The rows to draw for a scroll position: those in view plus `overscan` on each side. */
export function visibleRows(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  total: number,
  overscan = 10,
): Window {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { first, last: Math.max(first, last) };
}

/** The pages (of `pageSize` rows) that hold rows `w.first`..`w.last`. */
export function pagesFor(w: Window, pageSize: number): number[] {
  if (w.last <= w.first) return [];
  const out: number[] = [];
  for (let p = Math.floor(w.first / pageSize); p <= Math.floor((w.last - 1) / pageSize); p++) {
    out.push(p);
  }
  return out;
}
