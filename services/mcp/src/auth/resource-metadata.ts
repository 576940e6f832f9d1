/** RFC 9728 well-known path for a resource URL: `/.well-known/oauth-protected-resource` + the resource's path. */
export function resourceMetadataUrl(publicUrl: string): string {
  const url = new URL(publicUrl);
  const path = url.pathname === "/" ? "" : url.pathname;
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}

/** The protected-resource metadata document clients read to find the authorization server. */
export function protectedResourceMetadata(publicUrl: string, issuer: string, scopes: readonly string[]) {
  return {
    resource: publicUrl,
    authorization_servers: [issuer],
    bearer_methods_supported: ["header"],
    scopes_supported: [...new Set(scopes)].sort(),
    resource_name: "AI platform MCP server",
  };
}
