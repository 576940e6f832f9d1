/** What a failed model call means for the client, in the one error shape. */
import OpenAI from "openai";
import { AgentError } from "../http/errors";

export function modelCallError(error: unknown): AgentError {
  if (error instanceof AgentError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError)
    return new AgentError(504, "timeout_error", "The model did not answer in time.", "model_timeout");
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    const detail = (error.error as { message?: string } | undefined)?.message ?? error.message;
    if (error.status === 429)
      return new AgentError(
        429,
        "rate_limit_error",
        `The LLM gateway refused the model call: ${detail}`,
        "rate_limited",
      );
    if (error.status === 401 || error.status === 403)
      return new AgentError(
        403,
        "permission_error",
        `The LLM gateway refused the model call: ${detail}`,
        "model_forbidden",
      );
    return new AgentError(
      502,
      "api_error",
      `The model call failed (${error.status}): ${detail}`,
      "model_error",
    );
  }
  return new AgentError(
    502,
    "api_error",
    `The model call failed: ${(error as Error).message}`,
    "model_error",
  );
}
