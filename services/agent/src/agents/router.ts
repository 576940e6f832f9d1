/**
 * Intent routing for requests that name no agent: a small model through the gateway answers with a
 * JSON object constrained by `response_format: json_schema` ({agent, confidence}); when the call
 * fails, the answer does not fit, or the confidence is low, keyword rules decide, then the default.
 */
import type { Caller } from "../auth/caller";
import type { Profile } from "../config/profile-schema";
import type { ModelClient } from "../model/model-client";
import type { Logger } from "../observability/log";
import { keywordRoute } from "./keyword-rules";

export interface RouteDecision {
  readonly agent: string;
  readonly method: "model" | "keywords" | "default";
  /** The model's confidence when it decided, else null. */
  readonly confidence: number | null;
}

export interface RouterSettings {
  readonly model: string;
  readonly timeoutMs: number;
  readonly minConfidence: number;
  readonly defaultAgent: string;
}

/** The router model sees at most this much of the request. */
const MAX_ROUTED_CHARS = 4_000;

export class IntentRouter {
  constructor(
    private readonly profiles: ReadonlyMap<string, Profile>,
    private readonly settings: RouterSettings,
    private readonly model: ModelClient,
    private readonly logger: Logger,
  ) {}

  async route(caller: Caller, input: string, signal?: AbortSignal): Promise<RouteDecision> {
    const byModel = await this.askModel(caller, input, signal);
    if (byModel && byModel.confidence >= this.settings.minConfidence)
      return { agent: byModel.agent, method: "model", confidence: byModel.confidence };
    const byKeywords = keywordRoute(input, this.profiles.values());
    if (byKeywords) return { agent: byKeywords, method: "keywords", confidence: null };
    return { agent: this.settings.defaultAgent, method: "default", confidence: null };
  }

  private async askModel(
    caller: Caller,
    input: string,
    signal?: AbortSignal,
  ): Promise<{ agent: string; confidence: number } | undefined> {
    const names = [...this.profiles.keys()];
    const catalogue = [...this.profiles.values()].map(
      (profile) => `- ${profile.name}: ${profile.description}`,
    );
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    try {
      const turn = await this.model.complete(caller.gatewayKey, {
        model: this.settings.model,
        stream: false,
        temperature: 0,
        maxTokens: 64,
        user: caller.endUser,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        messages: [
          {
            role: "system",
            content:
              "Choose the agent best suited to the user's request. Answer only with JSON " +
              `{"agent": one of ${JSON.stringify(names)}, "confidence": 0..1}.\nAgents:\n${catalogue.join("\n")}`,
          },
          { role: "user", content: input.slice(0, MAX_ROUTED_CHARS) },
        ],
        responseFormat: {
          type: "json_schema",
          json_schema: {
            name: "agent_route",
            strict: true,
            schema: {
              type: "object",
              properties: {
                agent: { type: "string", enum: names },
                confidence: { type: "number", minimum: 0, maximum: 1 },
              },
              required: ["agent", "confidence"],
              additionalProperties: false,
            },
          },
        },
      });
      const answer = parseAnswer(turn.content, names);
      if (!answer) this.logger.log("warn", "router_answer_invalid", { model: this.settings.model });
      return answer;
    } catch (error) {
      if (signal?.aborted) throw error;
      this.logger.log("warn", "router_model_unavailable", {
        model: this.settings.model,
        error: (error as Error).message,
      });
      return undefined;
    }
  }
}

/** The model's answer when it is the JSON object asked for, with a known agent; else undefined. */
export function parseAnswer(
  content: string,
  names: readonly string[],
): { agent: string; confidence: number } | undefined {
  let parsed: unknown;
  try {
    // Some models wrap JSON in a code fence even when constrained.
    parsed = JSON.parse(content.trim().replace(/^```(?:json)?\s*|\s*```$/g, ""));
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { agent, confidence } = parsed as { agent?: unknown; confidence?: unknown };
  if (typeof agent !== "string" || !names.includes(agent)) return undefined;
  if (typeof confidence !== "number" || !(confidence >= 0 && confidence <= 1)) return undefined;
  return { agent, confidence };
}
