// Moments the benchmarks measure (docs/benchmarks.md), as standard User Timing marks: the
// page records when each screen is ready; nothing leaves the page.
export function mark(
  name: "unlock-screen" | "unlock-submit" | "store-open" | "today-data" | "today-shown" | "cases-open" | "rows-shown",
) {
  performance.mark(`loket:${name}`);
}
