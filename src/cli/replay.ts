import { createHmac, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parseArgs, parseEnv } from "node:util";

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

const USAGE = "Usage: codex-dispatch replay <event> <payload.json> [--url URL]\n";

/** WEBHOOK_SECRET from the environment, else from ./.env (where Probot's setup writes it). */
async function webhookSecret(processEnv: NodeJS.ProcessEnv, cwd: string): Promise<string | undefined> {
  if (processEnv.WEBHOOK_SECRET) return processEnv.WEBHOOK_SECRET;
  const text = await readFile(`${cwd}/.env`, "utf8").catch(() => null);
  return text === null ? undefined : parseEnv(text).WEBHOOK_SECRET || undefined;
}

/**
 * `codex-dispatch replay <event> <payload.json> [--url URL]`: sends the payload to a running app as GitHub
 * would: POST with X-GitHub-Event, a new X-GitHub-Delivery, and X-Hub-Signature-256 made with WEBHOOK_SECRET,
 * so the app verifies it like any delivery. The event may carry its action (`pull_request.closed`): the header
 * gets the event, and the payload's action must match. Default URL: this machine's app
 * (http://localhost:$PORT/api/github/webhooks). Exit 0 when the app answered 2xx.
 */
export async function replayCommand(
  args: string[],
  io: Io,
  processEnv: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { url: { type: "string" } } });
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const [eventArg, file] = parsed.positionals;
  if (!eventArg || !file || parsed.positionals.length > 2) {
    io.stderr.write(USAGE);
    return 2;
  }
  const [event, action] = eventArg.split(".", 2);
  if (!/^[a-z_]+$/.test(event)) {
    io.stderr.write(`"${eventArg}" is not a webhook event name (such as pull_request or pull_request.closed)\n`);
    return 2;
  }
  let body: string;
  try {
    body = await readFile(file, "utf8");
    const payload = JSON.parse(body) as { action?: unknown };
    if (action && payload.action !== action) {
      io.stderr.write(`the payload's action is ${JSON.stringify(payload.action)}, not "${action}"\n`);
      return 2;
    }
  } catch (err) {
    io.stderr.write(`cannot read ${file} as JSON: ${(err as Error).message}\n`);
    return 2;
  }
  const secret = await webhookSecret(processEnv, cwd);
  if (!secret) {
    io.stderr.write("WEBHOOK_SECRET is not set (in the environment or ./.env): the app would refuse an unsigned delivery\n");
    return 2;
  }
  const url = parsed.values.url ?? `http://localhost:${processEnv.PORT || 3000}${processEnv.WEBHOOK_PATH || "/api/github/webhooks"}`;
  const delivery = randomUUID();
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/codex-dispatch-replay",
        "x-github-event": event,
        "x-github-delivery": delivery,
        "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
      },
      body,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    io.stderr.write(`${url}: ${(err as Error).message}\n`);
    return 1;
  }
  const text = (await response.text()).slice(0, 500);
  const line = `${eventArg} delivery ${delivery} → ${url}: HTTP ${response.status}${text ? ` ${text}` : ""}\n`;
  (response.ok ? io.stdout : io.stderr).write(line);
  return response.ok ? 0 : 1;
}
