/** Container image references: `[registry/]repository[:tag][@sha256:digest]`. */
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
export function unpinnedReason(image: string, requireDigest: boolean): string | undefined {
  const ref = parseImage(image);
  if (ref.digest) return undefined;
  if (requireDigest) return `image "${image}" must be pinned by digest (@sha256:…)`;
  if (!ref.tag) return `image "${image}" has no tag (it means :latest)`;
  if (ref.tag === "latest") return `image "${image}" uses the mutable :latest tag`;
  return undefined;
}
