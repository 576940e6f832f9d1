import { htmlToText } from "./html-to-text";

export type DocumentFormat = "text" | "markdown" | "html";

export interface ExtractedDocument {
  /** Markdown-like text: headings as `#` lines. */
  readonly text: string;
  readonly title?: string;
  readonly format: DocumentFormat;
}

/** Text and title of a document in one of the supported formats. */
export function extractText(format: DocumentFormat, content: string): ExtractedDocument {
  if (format === "html") return { ...htmlToText(content), format };
  const text = content.replace(/\r\n?/g, "\n").trim();
  const title = format === "markdown" ? /^#\s+(.+)$/m.exec(text)?.[1]?.trim() : undefined;
  return { text, title, format };
}
