import { describe, expect, it } from "vitest";
import { inlineCode, plainText, shorten } from "../../src/text-safety/inline.js";

describe("inlineCode", () => {
  it("wraps text in a backtick run longer than any inside", () => {
    expect(inlineCode("npm test")).toBe("`npm test`");
    expect(inlineCode("a `b` c")).toBe("``a `b` c``");
    expect(inlineCode("x ``` y")).toBe("````x ``` y````");
  });

  it("pads text that starts or ends with a backtick so the span stays closed", () => {
    expect(inlineCode("`rm`")).toBe("`` `rm` ``");
  });

  it("keeps everything on one line and never renders empty", () => {
    expect(inlineCode("a\n- [x] b\r\n")).toBe("`a - [x] b`");
    expect(inlineCode("  ")).toBe("` `");
  });
});

describe("plainText", () => {
  it("escapes markdown punctuation and turns mentions and URLs into code (GitHub autolinks bare URLs)", () => {
    expect(plainText("[x](http://e) **b** <i>")).toBe("\\[x\\]\\(`http://e`\\) \\*\\*b\\*\\* \\<i\\>");
    expect(plainText("see www.evil.example/a.")).toBe("see `www.evil.example/a`.");
    expect(plainText("ask @octocat and @org/team")).toBe("ask `@octocat` and `@org/team`");
    expect(plainText("line\n# heading")).toBe("line \\# heading");
  });
});

describe("shorten", () => {
  it("cuts at the limit with an ellipsis, counting characters not UTF-16 units", () => {
    expect(shorten("abcdef", 6)).toBe("abcdef");
    expect(shorten("abcdefg", 6)).toBe("abcde…");
    expect(shorten("😀😀😀😀", 3)).toBe("😀😀…");
  });
});
