// What a job's tokens cost: tokens × the operator's price for the model that spent them. Prices are the
// operator's (env MODEL_PRICES over the defaults below), never a repository's: a repository must not be able to
// make its spend look cheaper. A model with no price has an unknown cost, shown as such, never a guessed number.
import { z } from "zod";

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * Built-in prices, USD per million input / output tokens, as the providers' public price pages listed them when
 * this table was written. They are defaults only: the operator should set the prices their account actually pays
 * in MODEL_PRICES (negotiated rates, new models and price changes are not known here). The short names are
 * Claude Code's aliases (`sonnet` is its default when no model is named), priced as the model they stand for.
 */
export const DEFAULT_MODEL_PRICES: PriceTable = {
  "gpt-5.5": { input: 1.25, output: 10 },
  "claude-opus-4-8": { input: 15, output: 75 },
  "claude-sonnet-5": { input: 3, output: 15 },
  "claude-haiku-4-5": { input: 1, output: 5 },
  opus: { input: 15, output: 75 },
  sonnet: { input: 3, output: 15 },
  haiku: { input: 1, output: 5 },
};

const PriceSchema = z.strictObject({
  input: z.number().nonnegative().max(10_000),
  output: z.number().nonnegative().max(10_000),
});
const TableSchema = z.record(z.string().min(1).max(200), PriceSchema);

/**
 * MODEL_PRICES: a JSON object `{"<model>": {"input": <USD per 1M>, "output": <USD per 1M>}}`; its entries
 * override or add to the defaults. Throws with the reason when it is not that shape, so a typo fails at start.
 */
export function parseModelPrices(json: string | undefined): PriceTable {
  if (json === undefined || json.trim() === "") return DEFAULT_MODEL_PRICES;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error("MODEL_PRICES is not JSON");
  }
  const parsed = TableSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`MODEL_PRICES: ${z.prettifyError(parsed.error)}`);
  return { ...DEFAULT_MODEL_PRICES, ...parsed.data };
}

/** The cost in USD of the tokens, or null when the model (or no model) has no price in the table. */
export function costOf(tokens: { input: number; output: number }, model: string | null | undefined, table: PriceTable): number | null {
  if (!model) return null;
  const price = Object.hasOwn(table, model) ? table[model] : undefined;
  if (!price) return null;
  const usd = (tokens.input * price.input + tokens.output * price.output) / 1_000_000;
  // Micro-dollars are plenty, and keep float noise out of the stored number.
  return Math.round(usd * 1_000_000) / 1_000_000;
}
