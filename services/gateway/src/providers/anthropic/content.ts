/** OpenAI message content (strings and parts) as Anthropic content blocks. */
import type { ChatContentPart, ChatMessage } from "../types";
import { AdapterRequestError } from "./errors";
import type { ImageBlock, TextBlock } from "./wire";

/** The image types the Messages API accepts in a base64 source. */
const IMAGE_MEDIA_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);
const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

export function imageBlock(url: string, param: string): ImageBlock {
  if (url.startsWith("data:")) {
    const match = DATA_URL.exec(url);
    if (!match)
      throw new AdapterRequestError(`${param} must be a base64 data URL (data:<type>;base64,...)`, param);
    const mediaType = (match[1] ?? "").toLowerCase();
    if (!IMAGE_MEDIA_TYPES.has(mediaType)) {
      throw new AdapterRequestError(
        `${param} has media type ${mediaType}; Anthropic models accept ${[...IMAGE_MEDIA_TYPES].join(", ")}`,
        param,
      );
    }
    return { type: "image", source: { type: "base64", media_type: mediaType, data: match[2] ?? "" } };
  }
  if (/^https?:\/\//i.test(url)) return { type: "image", source: { type: "url", url } };
  throw new AdapterRequestError(`${param} must be an http(s) URL or a base64 data URL`, param);
}

function partBlock(
  part: ChatContentPart,
  param: string,
  allowImages: boolean,
): TextBlock | ImageBlock | undefined {
  if (part.type === "text") {
    if (typeof part.text !== "string")
      throw new AdapterRequestError(`${param}.text must be a string`, `${param}.text`);
    // The Messages API rejects empty text blocks; an empty part says nothing anyway.
    return part.text === "" ? undefined : { type: "text", text: part.text };
  }
  if (part.type === "image_url" && allowImages) {
    if (typeof part.image_url?.url !== "string") {
      throw new AdapterRequestError(`${param}.image_url.url must be a string`, `${param}.image_url.url`);
    }
    return imageBlock(part.image_url.url, `${param}.image_url.url`);
  }
  const allowed = allowImages ? "text and image_url" : "text";
  throw new AdapterRequestError(
    `${param}.type '${part.type}' is not supported for Anthropic models here (only ${allowed})`,
    `${param}.type`,
  );
}

/** Text and image blocks for a message's `content`; `param` names it in errors, e.g. `messages[3].content`. */
export function contentBlocks(
  content: ChatMessage["content"],
  param: string,
  allowImages: boolean,
): Array<TextBlock | ImageBlock> {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  if (!Array.isArray(content))
    throw new AdapterRequestError(`${param} must be a string or an array of parts`, param);
  const blocks: Array<TextBlock | ImageBlock> = [];
  content.forEach((part, index) => {
    const block = partBlock(part, `${param}[${index}]`, allowImages);
    if (block) blocks.push(block);
  });
  return blocks;
}

/** Only text: for system and developer messages, which Anthropic takes as the top-level `system`. */
export function textBlocks(content: ChatMessage["content"], param: string): TextBlock[] {
  return contentBlocks(content, param, false) as TextBlock[];
}
