/** What the LLM gateway will serve, known from the config alone, so consumers' model names are checked up front. */
import type { GatewayConfig } from "./gateway-config-schema";
import type { InferenceConfig } from "./inference-config-schema";

export interface GatewayModel {
  readonly kind: string;
  /** Whether a request with `tools` works: vLLM with a tool parser, or a cloud chat model. */
  readonly tools: boolean;
}

/**
 * The model groups the gateway routes, by the name clients send: every enabled self-hosted model
 * (the inference area names its endpoints so), Whisper and ChatTTS, and the cloud models.
 */
export function gatewayModels(inference: InferenceConfig, gateway: GatewayConfig): Map<string, GatewayModel> {
  const models = new Map<string, GatewayModel>();
  if (inference.enabled) {
    for (const [name, model] of Object.entries(inference.models))
      if (model.enabled) models.set(name, { kind: model.kind, tools: model.toolCallParser !== undefined });
    // llama.cpp runs without --jinja, so its chat models take no tools.
    for (const [name, model] of Object.entries(inference.cpuModels))
      if (model.enabled) models.set(name, { kind: model.kind, tools: false });
    if (inference.whisper.enabled)
      models.set(inference.whisper.servedName, { kind: "audio-transcription", tools: false });
    if (inference.chatTts.enabled)
      models.set(inference.chatTts.servedName, { kind: "audio-speech", tools: false });
  }
  for (const model of gateway.cloudModels) {
    const kind = model.kind ?? "chat";
    models.set(model.name, { kind, tools: kind === "chat" });
  }
  return models;
}

/** Why `name` cannot serve as a model of `kind` (needing tool calls when `tools`), or undefined. */
export function modelProblem(
  models: ReadonlyMap<string, GatewayModel>,
  name: string,
  kind: string,
  tools = false,
): string | undefined {
  const model = models.get(name);
  const served = [...models].filter(([, m]) => m.kind === kind && (!tools || m.tools)).map(([n]) => n);
  const choose = served.length > 0 ? `; the gateway serves ${served.join(", ")}` : "";
  if (!model) return `"${name}" is not a model the gateway serves${choose}`;
  if (model.kind !== kind) return `"${name}" serves ${model.kind}, not ${kind}${choose}`;
  if (tools && !model.tools)
    return `"${name}" cannot call tools (a vLLM model needs a toolCallParser; llama.cpp models take none)${choose}`;
  return undefined;
}
