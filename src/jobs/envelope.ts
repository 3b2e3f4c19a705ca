import { z } from "zod";

/**
 * What goes into pg-boss for each job. The key and kind travel with the data because a dead-lettered
 * job arrives on another queue with nothing but this payload.
 */
export const JobEnvelopeSchema = z.object({
  key: z.string().min(1),
  kind: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
});

export type JobEnvelope = z.infer<typeof JobEnvelopeSchema>;
