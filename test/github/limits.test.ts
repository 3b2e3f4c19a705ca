import { describe, expect, it } from "vitest";
import { fitBody } from "../../src/github/limits.js";

describe("fitBody", () => {
  it("returns head + tail unchanged when they fit", () => {
    expect(fitBody("hello", "\n<!-- m -->", 100)).toBe("hello\n<!-- m -->");
  });

  it("cuts the head, keeps the tail whole and says how much was cut", () => {
    const head = "x".repeat(70_000);
    const tail = "\n\n<!-- codex-dispatch:triage:1 -->";
    const out = fitBody(head, tail);
    expect(out.length).toBeLessThanOrEqual(65_536);
    expect(out.endsWith(tail)).toBe(true);
    const omitted = Number(/…truncated \(([\d,]+) characters omitted/.exec(out)?.[1]?.replace(/,/g, ""));
    const kept = out.indexOf("\n\n…truncated");
    expect(kept + omitted).toBe(head.length);
  });

  it("never splits a surrogate pair", () => {
    const out = fitBody("😀".repeat(100), "", 120);
    expect(out.length).toBeLessThanOrEqual(120);
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it("refuses a tail that cannot fit", () => {
    expect(() => fitBody("a".repeat(10), "b".repeat(50), 40)).toThrow(/tail alone/);
  });
});
