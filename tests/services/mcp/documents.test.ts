import { describe, expect, it } from "vitest";
import { extractPdfText } from "../../../services/mcp/src/knowledge/pdf-text";
import { render } from "../../../services/mcp/src/prompts/prompt-catalog";
import { makePdf } from "./support/make-pdf";

describe("PDF text extraction", () => {
  it("reads Tj, TJ (with wide gaps as spaces), ' and escapes from compressed content streams", () => {
    const pdf = makePdf(
      [
        "BT /F1 12 Tf 72 720 Td (Price \\(net\\): 12\\05150 CNY) Tj 0 -14 Td [(Q)10(3) -400 (results)] TJ (next line) ' ET",
        "BT <48656c6c6f> Tj ET",
      ],
      "Report \\(draft\\)",
    );
    const extracted = extractPdfText(pdf);
    expect(extracted).toEqual({
      text: "Price (net): 12)50 CNY\nQ3 results\nnext line\n\nHello",
      title: "Report (draft)",
      author: "Finance team",
      pages: 2,
    });
  });

  it("refuses what is not a PDF", () => {
    expect(() => extractPdfText(Buffer.from("hello"))).toThrow("not a PDF (no %PDF- header)");
  });
});

describe("prompt templates", () => {
  it("fills placeholders and leaves absent optional arguments empty", () => {
    expect(render("Hi {{ name }}, see {{doc}}{{missing}}.", { name: "Li", doc: "#7" })).toBe(
      "Hi Li, see #7.",
    );
  });
});
