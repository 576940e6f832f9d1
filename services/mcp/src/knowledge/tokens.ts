/**
 * Word tokens for BM25 and for counting chunk sizes: lower-cased letter/digit runs, and every CJK
 * character on its own (Chinese text has no spaces; one character is close to one model token).
 */
const CJK = /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}/u;
const TOKEN = /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}|[\p{L}\p{N}]+/gu;

export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(TOKEN) ?? []).filter((token) => CJK.test(token) || token.length > 0);
}

/** English function words that carry no retrieval signal. */
const STOP_WORDS = new Set(
  "a an and are as at be by can do does for from how i in is it of on or our the to we what when where which who why with you your".split(
    " ",
  ),
);

/** Tokens for keyword search: stop words dropped, a light plural/suffix stem so "invoices" finds "invoice". */
export function searchTerms(text: string): string[] {
  return tokenize(text)
    .filter((token) => !STOP_WORDS.has(token))
    .map(stem);
}

function stem(token: string): string {
  if (token.length <= 4 || CJK.test(token)) return token;
  for (const suffix of ["ing", "ies", "es", "ed", "s"]) {
    if (token.endsWith(suffix) && token.length - suffix.length >= 3) {
      return suffix === "ies" ? `${token.slice(0, -3)}y` : token.slice(0, -suffix.length);
    }
  }
  return token;
}
