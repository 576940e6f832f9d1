/** Cloud resource tags: what every taggable resource carries for cost allocation. */
export type ResourceTags = Readonly<Record<string, string>>;

/** Tags plus a `Name` tag, which the AWS and Alibaba consoles show as the resource's display name. */
export function withNameTag(tags: ResourceTags, name: string): ResourceTags {
  return { ...tags, Name: name };
}
