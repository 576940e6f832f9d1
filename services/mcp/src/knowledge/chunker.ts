import { tokenize } from "./tokens";

export interface Chunk {
  /** Position in the document, from 0. */
  readonly index: number;
  /** Heading path above the chunk, e.g. `Travel policy > Hotels`; empty before the first heading. */
  readonly heading: string;
  readonly text: string;
}

export interface ChunkOptions {
  /** Most tokens per chunk. */
  readonly maxTokens: number;
  /** Tokens repeated from the end of the previous chunk of the same section. */
  readonly overlapTokens: number;
}

interface Section {
  readonly heading: string;
  readonly body: string;
}

/**
 * Splits Markdown-like text by headings first (a chunk never spans two sections), then each section
 * into windows of at most `maxTokens` with `overlapTokens` of overlap, cutting at word boundaries.
 * The heading path is prefixed to each chunk's text so it is searchable.
 */
export function chunkText(text: string, options: ChunkOptions): Chunk[] {
  const chunks: Chunk[] = [];
  for (const section of sections(text)) {
    for (const window of windows(section.body, options)) {
      const body = section.heading ? `${section.heading}\n${window}` : window;
      chunks.push({ index: chunks.length, heading: section.heading, text: body });
    }
  }
  return chunks;
}

function sections(text: string): Section[] {
  const result: Section[] = [];
  const path: string[] = [];
  let lines: string[] = [];
  const flush = () => {
    const body = lines.join("\n").trim();
    if (body) result.push({ heading: path.filter(Boolean).join(" > "), body });
    lines = [];
  };
  for (const line of text.split("\n")) {
    const heading = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading?.[1] && heading[2]) {
      flush();
      const level = heading[1].length;
      path.length = level - 1;
      path[level - 1] = heading[2];
    } else {
      lines.push(line);
    }
  }
  flush();
  return result;
}

/** Word-boundary pieces of `body` whose token counts add up to at most `maxTokens` per window. */
function windows(body: string, { maxTokens, overlapTokens }: ChunkOptions): string[] {
  const pieces = body.split(/(?<=\s)/u).flatMap(splitCjk);
  const sizes = pieces.map((piece) => tokenize(piece).length);
  const result: string[] = [];
  let start = 0;
  while (start < pieces.length) {
    let end = start;
    let tokens = 0;
    while (end < pieces.length && (tokens + (sizes[end] ?? 0) <= maxTokens || end === start)) {
      tokens += sizes[end] ?? 0;
      end++;
    }
    result.push(pieces.slice(start, end).join("").trim());
    if (end >= pieces.length) break;
    let back = end;
    let overlap = 0;
    while (back > start + 1 && overlap + (sizes[back - 1] ?? 0) <= overlapTokens) {
      back--;
      overlap += sizes[back] ?? 0;
    }
    start = back;
  }
  return result.filter(Boolean);
}

/** A whitespace-free run of CJK text split per character, so windows can cut inside it. */
function splitCjk(piece: string): string[] {
  return tokenize(piece).length > 1 && !/\s/.test(piece.trim())
    ? (piece.match(/\p{Script=Han}|[^\p{Script=Han}]+/gu) ?? [piece])
    : [piece];
}
