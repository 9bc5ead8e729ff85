import { describe, expect, it } from "vitest";
import { nextStep, type Page } from "../src/task/list-tasks.js";

const page = (count: number, total: number, unreadable = 0): Page => ({
  ids: Array.from({ length: count }, (_, i) => i),
  total,
  unreadable,
});

// When the listing of a version's tasks is done, and whether it is whole (page size 100, 5 pages at most).
describe("nextStep", () => {
  it.each<{ name: string; pages: Page[]; expected: ReturnType<typeof nextStep> }>([
    { name: "one short page that matches Total", pages: [page(3, 3)], expected: { done: true } },
    { name: "no tasks at all", pages: [page(0, 0)], expected: { done: true } },
    { name: "a full page asks for the next", pages: [page(100, 100)], expected: { done: false } },
    {
      name: "a full page then an empty one at Total",
      pages: [page(100, 100), page(0, 100)],
      expected: { done: true },
    },
    {
      name: "Total 0 with a full page is not believed",
      pages: [page(100, 0)],
      expected: { done: false },
    },
    {
      name: "Total 0 with a short page after a full one",
      pages: [page(100, 0), page(50, 0)],
      expected: { done: true },
    },
    {
      name: "a short page below Total: the server pages smaller, go on",
      pages: [page(50, 120)],
      expected: { done: false },
    },
    {
      name: "an empty page before Total: cut in silence",
      pages: [page(100, 250), page(100, 250), page(0, 250)],
      expected: { done: true, cut: "Total says 250 tasks, but the pages stopped after 200" },
    },
    {
      name: "the largest Total any page gave counts",
      pages: [page(100, 150), page(0, 0)],
      expected: { done: true, cut: "Total says 150 tasks, but the pages stopped after 100" },
    },
    {
      name: "more pages than the action reads",
      pages: Array.from({ length: 5 }, () => page(100, 900)),
      expected: { done: true, cut: "more than 500 tasks; the action reads at most 500" },
    },
    {
      name: "ids that cannot be read exactly",
      pages: [page(2, 3, 1)],
      expected: {
        done: true,
        cut: "1 TaskId(s) could not be read exactly (beyond 2^53 or not integers)",
      },
    },
  ])("$name", ({ pages, expected }) => {
    expect(nextStep(pages, 100, 5)).toEqual(expected);
  });
});
