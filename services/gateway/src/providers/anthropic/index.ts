/** The Anthropic Claude adapter: chat completions to and from the Messages API. */
import type { ChatAdapter } from "../types";
import { anthropicError } from "./errors";
import { anthropicRequest } from "./request";
import { chatCompletion } from "./response";
import { AnthropicStreamTranslator } from "./stream";

export { AdapterRequestError, UpstreamStreamError } from "./errors";
export { DEFAULT_MAX_TOKENS } from "./request";

export const anthropicAdapter: ChatAdapter = {
  chatRequest: anthropicRequest,
  chatResponse: chatCompletion,
  chatStream: (model) => new AnthropicStreamTranslator(model),
  error: anthropicError,
};
