import { z } from "zod";
import { chunkText } from "../knowledge/chunker";
import { type DocumentFormat, type ExtractedDocument, extractText } from "../knowledge/extract";
import { tokenize } from "../knowledge/tokens";
import { defineTool, ToolError } from "./tool";

/** `extractText` with failures worded for the caller. */
export function extractDocument(format: DocumentFormat, content: string): ExtractedDocument {
  try {
    return extractText(format, content);
  } catch (error) {
    throw new ToolError(`could not read the ${format} document: ${(error as Error).message}`);
  }
}

export function documentExtractTool(chunking: { maxTokens: number; overlapTokens: number }) {
  return defineTool({
    name: "document_extract",
    title: "Extract text and metadata from a document",
    description:
      "Reads a text, Markdown, HTML or PDF (base64) document and returns its text, title, headings and size; " +
      "with `split`, also the chunks the knowledge base would index.",
    input: {
      content: z.string().min(1).max(5_000_000).describe("The document; base64 for PDF"),
      format: z.enum(["text", "markdown", "html", "pdf"]),
      split: z.boolean().default(false),
    },
    output: {
      title: z.string().optional(),
      author: z.string().optional(),
      pages: z.number().int().optional(),
      headings: z.array(z.string()),
      tokens: z.number().int(),
      text: z.string(),
      chunks: z
        .array(z.object({ index: z.number().int(), heading: z.string(), text: z.string() }))
        .optional(),
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
    scopes: ["mcp:documents"],
    async run({ content, format, split }) {
      const document = extractDocument(format, content);
      if (!document.text) throw new ToolError(`the ${format} document contains no extractable text`);
      return {
        title: document.title,
        author: document.author,
        pages: document.pages,
        headings: [...document.text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => match[1] as string),
        tokens: tokenize(document.text).length,
        text: document.text,
        chunks: split ? chunkText(document.text, chunking).map((chunk) => ({ ...chunk })) : undefined,
      };
    },
  });
}
