import { htmlToText } from "./html-to-text";
import { extractPdfText } from "./pdf-text";

export type DocumentFormat = "text" | "markdown" | "html" | "pdf";

export interface ExtractedDocument {
  /** Markdown-like text: headings as `#` lines. */
  readonly text: string;
  readonly title?: string;
  readonly author?: string;
  readonly pages?: number;
  readonly format: DocumentFormat;
}

/** Text and metadata of a document; `content` is base64 for PDF, the text itself otherwise. */
export function extractText(format: DocumentFormat, content: string): ExtractedDocument {
  if (format === "html") return { ...htmlToText(content), format };
  if (format === "pdf") {
    const pdf = extractPdfText(Buffer.from(content, "base64"));
    return { text: pdf.text.trim(), title: pdf.title, author: pdf.author, pages: pdf.pages, format };
  }
  const text = content.replace(/\r\n?/g, "\n").trim();
  const title = format === "markdown" ? /^#\s+(.+)$/m.exec(text)?.[1]?.trim() : undefined;
  return { text, title, format };
}
