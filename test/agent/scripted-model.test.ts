import { afterEach, describe, expect, it } from "vitest";
import { startScriptedModel, type ScriptedModel } from "../../demo/scripted-model.js";

let model: ScriptedModel | undefined;
afterEach(async () => {
  await model?.close();
  model = undefined;
});

function ask(m: ScriptedModel, input: object[] = []): Promise<Response> {
  return fetch(`${m.baseUrl}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer k" },
    body: JSON.stringify({ model: "gpt-5.5", input }),
  });
}

/** The SSE events of a response body, as [type, data] pairs. */
async function events(res: Response): Promise<[string, { type: string; [k: string]: unknown }][]> {
  const text = await res.text();
  return text
    .split("\n\n")
    .filter(Boolean)
    .map((block) => {
      const [eventLine, dataLine] = block.split("\n");
      return [eventLine?.replace("event: ", "") ?? "", JSON.parse(dataLine?.replace("data: ", "") ?? "{}")];
    });
}

const toolOutput = (output: unknown) => ({ type: "function_call_output", call_id: "c", output });

describe("scripted model", () => {
  it("picks the step from the number of tool outputs already in the input", async () => {
    model = await startScriptedModel([
      { kind: "exec", cmd: "ls" },
      { kind: "patch", patch: "*** Begin Patch\n*** End Patch" },
      { kind: "message", text: "bye" },
    ]);
    const first = await events(await ask(model));
    expect(first.map(([t]) => t)).toEqual([
      "response.created",
      "response.output_item.added",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(first[2]?.[1].item).toMatchObject({ type: "function_call", name: "exec_command", arguments: '{"cmd":"ls"}' });

    const second = await events(await ask(model, [toolOutput("a.txt")]));
    expect(second[2]?.[1].item).toMatchObject({ type: "custom_tool_call", name: "apply_patch", input: "*** Begin Patch\n*** End Patch" });

    // Content-part outputs (as custom tools send them) are flattened to text.
    const third = await events(
      await ask(model, [
        toolOutput("a.txt"),
        { type: "custom_tool_call_output", call_id: "d", output: [{ type: "input_text", text: "ok" }] },
      ]),
    );
    expect(third[2]?.[1].item).toMatchObject({ type: "message", role: "assistant", content: [{ type: "output_text", text: "bye" }] });
    const usage = (third[3]?.[1].response as { usage: Record<string, number> }).usage;
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe((usage.input_tokens ?? 0) + (usage.output_tokens ?? 0));

    expect(model.requests.map((r) => r.toolOutputs)).toEqual([[], ["a.txt"], ["a.txt", "ok"]]);
    expect(model.requests[0]?.authorization).toBe("Bearer k");
  });

  it("answers response.failed when the script has run out, and for a scripted failure", async () => {
    model = await startScriptedModel([{ kind: "fail", message: "overloaded" }]);
    const failed = await events(await ask(model));
    expect(failed.at(-1)?.[1]).toMatchObject({ type: "response.failed", response: { error: { message: "overloaded" } } });
    const exhausted = await events(await ask(model, [toolOutput("x")]));
    expect(exhausted.at(-1)?.[1]).toMatchObject({
      type: "response.failed",
      response: { error: { message: expect.stringMatching(/no step 2/) } },
    });
  });

  it("answers HTTP errors, follows a script chosen per request, and refuses other routes", async () => {
    model = await startScriptedModel();
    model.setScript((req) => (req.authorization === "Bearer k" ? [{ kind: "http-error", status: 503 }] : []));
    const res = await ask(model);
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toMatch(/503/);
    const other = await fetch(`${model.baseUrl}/models`);
    expect(other.status).toBe(404);
    await other.text();
  });

  it("leaves a hung request open until close()", async () => {
    model = await startScriptedModel([{ kind: "hang" }]);
    const res = await ask(model);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain("response.created");
    const next = reader.read();
    const raced = await Promise.race([next.then(() => "data"), new Promise((r) => setTimeout(() => r("stalled"), 300))]);
    expect(raced).toBe("stalled");
    await model.close();
    model = undefined;
    await expect(next).rejects.toThrow();
  });
});
