import { z } from "zod";
import type { KnowledgeBase } from "../knowledge/knowledge-base";
import { extractDocument } from "./document-extract";
import { defineTool, ToolError } from "./tool";

/** Most characters one ingest call accepts (about 100 pages of text). */
const MAX_CONTENT_CHARS = 500_000;

export function knowledgeIngestTool(knowledge: KnowledgeBase) {
  return defineTool({
    name: "knowledge_ingest",
    title: "Ingest a document into the knowledge base",
    description:
      "Adds a text, Markdown, HTML or PDF (base64) document to the company knowledge base: it is split by headings into " +
      "overlapping chunks, embedded and indexed for search. Ingesting the same source again replaces it.",
    input: {
      source: z
        .string()
        .min(1)
        .max(2048)
        .describe("Where the document comes from: a URL or a path; identifies it"),
      content: z.string().min(1).max(MAX_CONTENT_CHARS).describe("The document itself; base64 for PDF"),
      format: z.enum(["text", "markdown", "html", "pdf"]).default("markdown"),
      title: z
        .string()
        .max(512)
        .optional()
        .describe("Default: the document's first heading or <title>, else the source"),
    },
    output: {
      documentId: z.string(),
      source: z.string(),
      title: z.string(),
      chunks: z.number().int(),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    scopes: ["mcp:knowledge.write"],
    async run({ source, content, format, title }) {
      const extracted = extractDocument(format, content);
      if (!extracted.text) throw new ToolError(`the ${format} document from ${source} contains no text`);
      return knowledge.ingest({ source, text: extracted.text, title: title ?? extracted.title ?? source });
    },
  });
}
