/** An MCP tool result as text for the model: text parts joined, other parts named, structured data as JSON. */
interface ContentPart {
  readonly type: string;
  readonly text?: string;
  readonly uri?: string;
  readonly resource?: { readonly uri?: string; readonly text?: string };
  readonly mimeType?: string;
}

export function toolResultText(result: { content?: unknown; structuredContent?: unknown }): string {
  const parts = Array.isArray(result.content) ? (result.content as ContentPart[]) : [];
  const texts = parts.map((part) => {
    if (part.type === "text") return part.text ?? "";
    if (part.type === "resource") return part.resource?.text ?? `[resource ${part.resource?.uri ?? ""}]`;
    if (part.type === "resource_link") return `[resource ${part.uri ?? ""}]`;
    return `[${part.type}${part.mimeType ? ` ${part.mimeType}` : ""} omitted]`;
  });
  const text = texts.join("\n").trim();
  if (text) return text;
  return result.structuredContent !== undefined ? JSON.stringify(result.structuredContent) : "";
}
