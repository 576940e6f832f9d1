import type { WorkloadKind } from "./workload";

/**
 * Row names for workloads the stack declares itself, by the component that declares them. A workload of
 * another component is named after its own `metadata.name`, less a content-hash suffix (`-0f3a9c12`).
 */
const LABELS: Record<string, (name: string, kind: WorkloadKind) => string> = {
  "ai-platform:inference:VllmModel": (name) => `vLLM ${name}`,
  "ai-platform:inference:LlamaCppServer": (name) => `llama.cpp ${name}`,
  "ai-platform:inference:WhisperServer": () => "Whisper",
  "ai-platform:inference:ChatTtsServer": () => "ChatTTS",
  "ai-platform:gateway:LlmGateway": () => "LLM gateway",
  "ai-platform:mcp:McpServer": () => "MCP server",
  "ai-platform:agent:AgentService": () => "Agent service",
  "ai-platform:storage:MinioObjectStore": (_name, kind) => (kind === "Job" ? "MinIO bucket setup" : "MinIO"),
  "ai-platform:vector:Milvus": (name) => name.replace(/^milvus-/, "Milvus "),
};

export function declaredWorkloadLabel(
  componentType: string | undefined,
  name: string,
  kind: WorkloadKind,
): string {
  const label = componentType ? LABELS[componentType] : undefined;
  return label ? label(name, kind) : name.replace(/-[0-9a-f]{8,}$/, "");
}
