import { describe, expect, it } from "vitest";
import { pagesFor, visibleRows } from "./virtual";

describe("virtual list", () => {
  it("draws only the rows in view plus the overscan", () => {
    expect(visibleRows(0, 360, 36, 100_000, 5)).toEqual({ first: 0, last: 15 });
    expect(visibleRows(36 * 50_000, 360, 36, 100_000, 5)).toEqual({ first: 49_995, last: 50_015 });
  });

  it("stops at the ends of the list", () => {
    expect(visibleRows(36 * 99_995, 360, 36, 100_000, 5)).toEqual({ first: 99_990, last: 100_000 });
    expect(visibleRows(0, 360, 36, 0)).toEqual({ first: 0, last: 0 });
  });

  it("names the pages that hold the rows", () => {
    expect(pagesFor({ first: 95, last: 215 }, 100)).toEqual([0, 1, 2]);
    expect(pagesFor({ first: 0, last: 0 }, 100)).toEqual([]);
  });
});
