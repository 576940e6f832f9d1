/** What differs between OpenAI-compatible upstreams, declared per provider in a small file each. */
export interface ProviderProfile {
  /** The `litellm_params.model` prefix, e.g. `hosted_vllm`. */
  readonly prefix: string;
  readonly adapter: "openai" | "anthropic" | "chattts";
  /** Used when the deployment sets no `api_base`. Self-hosted servers have none. */
  readonly defaultBaseUrl?: string;
  /** Request fields the upstream rejects; removed before sending. */
  readonly dropParams?: readonly string[];
  /** Request fields the upstream knows under another name. */
  readonly renameParams?: Readonly<Record<string, string>>;
  /** Whether the upstream honours `stream_options.include_usage`; if not, usage is not requested. */
  readonly streamUsage?: boolean;
  /** Whether an API key is required (cloud providers) or optional (self-hosted). */
  readonly requiresApiKey: boolean;
}
