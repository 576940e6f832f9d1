import { inflateSync } from "node:zlib";

export interface PdfText {
  readonly text: string;
  readonly title?: string;
  readonly author?: string;
  readonly pages: number;
}

/**
 * Text of a PDF without a PDF library: content streams (raw or FlateDecode) are scanned for the
 * text-showing operators (Tj, TJ, ', ") between BT and ET. Covers PDFs written with standard
 * single-byte fonts (reports, exports); text in CID fonts or scanned pages comes out empty, which
 * the caller reports as "no text".
 */
export function extractPdfText(data: Buffer): PdfText {
  if (data.subarray(0, 5).toString("latin1") !== "%PDF-") throw new Error("not a PDF (no %PDF- header)");
  const source = data.toString("latin1");
  const pieces: string[] = [];
  const streams = /<<((?:(?!>>\s*stream)[\s\S])*?)>>\s*stream\r?\n/g;
  for (let match = streams.exec(source); match; match = streams.exec(source)) {
    const start = match.index + match[0].length;
    const end = source.indexOf("endstream", start);
    if (end < 0) break;
    const dictionary = match[1] ?? "";
    if (/\/Subtype\s*\/Image|\/Type\s*\/(XRef|ObjStm|Metadata)/.test(dictionary)) continue;
    let content = data.subarray(start, end);
    if (/\/FlateDecode/.test(dictionary)) {
      try {
        content = inflateSync(content);
      } catch {
        continue;
      }
    } else if (/\/Filter/.test(dictionary)) continue;
    const text = textOfContentStream(content.toString("latin1"));
    if (text.trim()) pieces.push(text.trim());
    streams.lastIndex = end;
  }
  return {
    text: pieces.join("\n\n"),
    title: infoString(source, "Title"),
    author: infoString(source, "Author"),
    pages: (source.match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length,
  };
}

/** Text operators of one content stream; line moves become line breaks, wide TJ gaps spaces. */
function textOfContentStream(stream: string): string {
  let out = "";
  const tokens =
    /\((?:\\[\s\S]|[^\\)])*(?:\((?:\\[\s\S]|[^\\)])*\)(?:\\[\s\S]|[^\\)])*)*\)|<[0-9A-Fa-f\s]*>|\[|\]|-?\d*\.?\d+|\/[^\s/[\]()<>]+|[A-Za-z'"*]+/g;
  let pending: string[] = [];
  let inArray = false;
  for (let match = tokens.exec(stream); match; match = tokens.exec(stream)) {
    const token = match[0];
    if (token === "[") inArray = true;
    else if (token === "]") inArray = false;
    else if (token.startsWith("(")) pending.push(literalString(token.slice(1, -1)));
    else if (token.startsWith("<") && token !== "<<") pending.push(hexString(token.slice(1, -1)));
    else if (inArray && /^-?\d/.test(token) && Number(token) < -200) pending.push(" ");
    else if (["Tj", "TJ"].includes(token)) {
      out += pending.join("");
      pending = [];
    } else if (token === "'" || token === '"') {
      out += `\n${pending.join("")}`;
      pending = [];
    } else if (["T*", "Td", "TD", "ET"].includes(token)) {
      if (!out.endsWith("\n")) out += "\n";
      pending = [];
    } else if (!inArray && !/^-?\d|^\//.test(token)) pending = [];
  }
  return out.replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n");
}

function literalString(raw: string): string {
  return raw.replace(/\\([nrtbf()\\]|[0-7]{1,3}|\r?\n)/g, (_match, sequence: string) => {
    const simple: Record<string, string> = {
      n: "\n",
      r: "\r",
      t: "\t",
      b: "\b",
      f: "\f",
      "(": "(",
      ")": ")",
      "\\": "\\",
    };
    if (sequence in simple) return simple[sequence] as string;
    if (/^[0-7]+$/.test(sequence)) return String.fromCharCode(Number.parseInt(sequence, 8));
    return "";
  });
}

function hexString(hex: string): string {
  const clean = hex.replace(/\s+/g, "");
  const padded = clean.length % 2 ? `${clean}0` : clean;
  return Buffer.from(padded, "hex").toString("latin1");
}

function infoString(source: string, key: string): string | undefined {
  const match = new RegExp(`/${key}\\s*\\(((?:\\\\[\\s\\S]|[^\\\\)])*)\\)`).exec(source);
  return match?.[1] !== undefined ? literalString(match[1]) : undefined;
}
