import { deflateSync } from "node:zlib";

/**
 * A minimal but well-formed PDF (catalog, pages, one page per content stream, Helvetica, an Info
 * dictionary and a cross-reference table), the content streams Flate-compressed like most writers do.
 */
export function makePdf(pages: readonly string[], title: string): Buffer {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body) - 1 + 1;
  const catalog = add("<< /Type /Catalog /Pages 2 0 R >>");
  add("PAGES");
  const font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  const pageIds: number[] = [];
  const streams: Buffer[] = [];
  for (const content of pages) {
    const stream = deflateSync(Buffer.from(content, "latin1"));
    streams.push(stream);
    const contentId = add(
      `<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n@@STREAM${streams.length - 1}@@\nendstream`,
    );
    pageIds.push(
      add(
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${contentId} 0 R >>`,
      ),
    );
  }
  objects[1] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pageIds.length} >>`;
  const info = add(`<< /Title (${title}) /Author (Finance team) >>`);
  const parts: Buffer[] = [Buffer.from("%PDF-1.4\n", "latin1")];
  const offsets: number[] = [];
  let length = parts[0]?.length ?? 0;
  objects.forEach((body, index) => {
    offsets.push(length);
    const [before, after] = body.split(/@@STREAM\d+@@/);
    const streamIndex = /@@STREAM(\d+)@@/.exec(body)?.[1];
    const chunk = Buffer.concat([
      Buffer.from(`${index + 1} 0 obj\n${before}`, "latin1"),
      streamIndex !== undefined ? (streams[Number(streamIndex)] as Buffer) : Buffer.alloc(0),
      Buffer.from(`${after ?? ""}\nendobj\n`, "latin1"),
    ]);
    parts.push(chunk);
    length += chunk.length;
  });
  const xref = [
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`,
    ...offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`),
  ];
  parts.push(
    Buffer.from(
      `${xref.join("")}trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>\nstartxref\n${length}\n%%EOF\n`,
      "latin1",
    ),
  );
  return Buffer.concat(parts);
}
