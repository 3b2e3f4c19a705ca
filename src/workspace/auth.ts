import { z } from "zod";

// Installation tokens are opaque printable strings; anything with whitespace or control characters would let
// a caller smuggle a second header line into git's HTTP request.
const Token = z.string().regex(/^[\x21-\x7e]{1,512}$/, "a token is 1-512 printable ASCII characters, no spaces");

/**
 * Environment variables that make git send `Authorization: Basic base64("x-access-token:TOKEN")`.
 *
 * Why this way: a token in the clone URL ends up in .git/config, FETCH_HEAD and error messages; a token in
 * `-c http.extraHeader=…` is in argv, which every local user can read with `ps`. GIT_CONFIG_COUNT/KEY/VALUE
 * (git ≥ 2.31) reaches git and its remote helpers through the environment only and is never written to disk.
 * With `scopeUrl`, the header is only sent to URLs under that origin (git's `http.<url>.*` matching).
 */
export function gitAuthEnv(token: string, scopeUrl?: string): Record<string, string> {
  const parsed = Token.safeParse(token);
  if (!parsed.success) throw new Error(`gitAuthEnv: ${parsed.error.issues[0]?.message ?? "invalid token"}`);
  let key = "http.extraHeader";
  if (scopeUrl !== undefined) {
    const url = new URL(scopeUrl);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("gitAuthEnv: scopeUrl must be http(s)");
    key = `http.${url.origin}/.extraHeader`;
  }
  const basic = Buffer.from(`x-access-token:${parsed.data}`, "utf8").toString("base64");
  return { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: key, GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` };
}
