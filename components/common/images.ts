/** Container image references, `[registry/]repository[:tag][@sha256:digest]`, and whether they are pinned. */
export interface ImageRef {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export function parseImage(image: string): ImageRef {
  const [withoutDigest = "", digest] = image.split("@");
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.indexOf(":", lastSlash + 1);
  return colon === -1
    ? { repository: withoutDigest, digest }
    : { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest };
}

/** Why an image reference is not reproducible, or undefined when it is pinned. */
export function unpinnedReason(image: string, requireDigest = false): string | undefined {
  if (image === "" || /\s/.test(image) || image.split("@").length > 2)
    return `"${image}" is not an image reference`;
  const ref = parseImage(image);
  if (ref.digest !== undefined) {
    return /^sha256:[a-f0-9]{64}$/.test(ref.digest) ? undefined : `image "${image}" has a malformed digest`;
  }
  if (requireDigest) return `image "${image}" must be pinned by digest (@sha256:…)`;
  if (!ref.tag) return `image "${image}" has no tag (it means :latest)`;
  if (ref.tag === "latest") return `image "${image}" uses the mutable :latest tag`;
  return undefined;
}

/**
 * An image a component deploys, split the way Helm charts take it; throws, naming the argument, when
 * the reference is not pinned by a version tag or a digest.
 */
export function pinnedImage(
  field: string,
  image: string,
): { repository: string; tag: string; digest?: string } {
  const reason = unpinnedReason(image);
  if (reason) throw new Error(`${field}: ${reason}; pin a release tag or a digest`);
  const { repository, tag, digest } = parseImage(image);
  return { repository, tag: tag ?? "", ...(digest ? { digest } : {}) };
}

/** For charts that take `repository` and one `tag` string: the tag, with `@digest` appended when pinned by both. */
export function chartImageTag(field: string, image: string): { repository: string; tag: string } {
  const { repository, tag, digest } = pinnedImage(field, image);
  if (!tag) throw new Error(`${field}: image "${image}" needs a version tag (a digest may follow it)`);
  return { repository, tag: digest ? `${tag}@${digest}` : tag };
}
