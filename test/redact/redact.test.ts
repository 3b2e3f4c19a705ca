import { describe, expect, it } from "vitest";
import { redactSecrets, redactWith } from "../../src/text-safety/redact.js";

describe("redactSecrets", () => {
  const cases: [string, string][] = [
    ["GitHub token", "token ghp_0123456789abcdefghijABCDEFGHIJ012345 leaked"],
    ["GitHub installation token", "ghs_0123456789abcdefghijABCDEFGHIJ012345"],
    ["fine-grained PAT", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRS"],
    ["OpenAI key", "OPENAI: sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"],
    ["Anthropic key", "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789"],
    ["AWS access key", "AKIAIOSFODNN7EXAMPLE"],
    ["Slack token", "xoxb-123456789012-1234567890123-abcdefghijklmnop"],
    ["Google API key", "AIzaSyA-1234567890abcdefghijklmnopqrstu"],
    ["npm token", "npm_abcdefghijklmnopqrstuvwxyz0123456789"],
    ["JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
  ];
  for (const [name, text] of cases) {
    it(`redacts a ${name}`, () => {
      const out = redactSecrets(text);
      expect(out).toContain("[REDACTED]");
      expect(out).not.toMatch(/[A-Za-z0-9]{20,}/);
    });
  }

  it("redacts a private key block whole", () => {
    const key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234\nabcdef\n-----END RSA PRIVATE KEY-----";
    expect(redactSecrets(`before\n${key}\nafter`)).toBe("before\n[REDACTED]\nafter");
  });

  it("keeps the user but hides the password of a URL", () => {
    expect(redactSecrets("git clone https://bot:s3cr3tpassw0rd@github.com/o/r.git")).toBe(
      "git clone https://bot:[REDACTED]@github.com/o/r.git",
    );
  });

  it("redacts secret-looking assignments and authorization headers, not numbers or placeholders", () => {
    expect(redactSecrets("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")).toBe("AWS_SECRET_ACCESS_KEY=[REDACTED]");
    expect(redactSecrets("Authorization: Bearer abcdef123456789")).toBe("Authorization: Bearer [REDACTED]");
    expect(redactSecrets('"tokens": 12345678')).toBe('"tokens": 12345678');
    expect(redactSecrets("password=${{ secrets.DB_PASSWORD }}")).toBe("password=${{ secrets.DB_PASSWORD }}");
    expect(redactSecrets("API_TOKEN: ***")).toBe("API_TOKEN: ***");
  });

  it("leaves ordinary log lines alone", () => {
    const line = "FAIL test/sum.test.js > adds two numbers: expected 5, got -1 (exit code 1)";
    expect(redactSecrets(line)).toBe(line);
  });

  it("redacts literal values it is given, such as a token this process holds", () => {
    expect(redactWith("fetch failed for abc123xyz789", ["abc123xyz789"])).toBe("fetch failed for [REDACTED]");
  });
});
