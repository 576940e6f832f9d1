/** Request bodies, validated before anything runs; every problem named by field in one 400. */
import { z } from "zod";
import { invalidRequest } from "../http/errors";

const sessionId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, "1-128 letters, digits, '.', '_', ':' or '-'");

export const runBodySchema = z.strictObject({
  /** The user's message. */
  input: z.string().min(1, "must not be empty"),
  /** Continue this session (created when new); a new id is made when absent. */
  session_id: sessionId.optional(),
  /** Server-sent events instead of one JSON result. */
  stream: z.boolean().default(false),
  /** Only on POST /v1/runs: skip routing and use this agent. */
  agent: z.string().min(1).optional(),
});

export const confirmBodySchema = z.strictObject({
  confirmation_id: z.string().min(1),
  decision: z.enum(["approve", "deny"]),
  stream: z.boolean().default(false),
});

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const message = issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`).join("; ");
  const first = issues[0];
  const param = first && first.path.length > 0 ? first.path.join(".") : null;
  const unknownKeys = first?.code === "unrecognized_keys";
  throw invalidRequest(
    `Invalid request body: ${message}`,
    unknownKeys ? "unknown_parameter" : "invalid_value",
    param,
  );
}
