/** The platform's public services; each gets `<service>.<domain>` and an HTTPS listener of its own. */
export const PUBLIC_SERVICES = ["llm", "mcp", "agent", "grafana", "auth"] as const;
export type PublicService = (typeof PUBLIC_SERVICES)[number];

export function platformHostnames(domain: string): Record<PublicService, string> {
  return Object.fromEntries(PUBLIC_SERVICES.map((service) => [service, `${service}.${domain}`])) as Record<
    PublicService,
    string
  >;
}

/** The Secret holding a service's certificate, and the Gateway listener serving it. */
export const tlsSecretName = (service: PublicService) => `${service}-tls`;
export const httpsListenerName = (service: PublicService) => `https-${service}`;
export const HTTP_LISTENER = "http";
