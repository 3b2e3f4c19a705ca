import { z } from "zod";
import type { Database } from "./db.js";
import { SCHEMA } from "./migrations.js";

export const DeliverySchema = z.object({
  guid: z.string().min(1, "delivery guid is empty").max(200),
  event: z.string().min(1, "delivery event is empty").max(100),
  action: z.string().max(100).optional(),
  repo: z.string().max(300).optional(),
});

export type Delivery = z.input<typeof DeliverySchema>;

/**
 * Notes a webhook delivery by its X-GitHub-Delivery GUID. GitHub redelivers a failed delivery with the
 * same GUID, so the GUID is the idempotency key of the webhook itself.
 * @returns true the first time a GUID is seen, false for a redelivery.
 */
export async function recordDelivery(db: Database, delivery: Delivery): Promise<boolean> {
  const d = DeliverySchema.parse(delivery);
  const { rows } = await db.query(
    `INSERT INTO ${SCHEMA}.deliveries (guid, event, action, repo) VALUES ($1, $2, $3, $4)
     ON CONFLICT (guid) DO NOTHING RETURNING guid`,
    [d.guid, d.event, d.action ?? null, d.repo ?? null],
  );
  return rows.length === 1;
}
