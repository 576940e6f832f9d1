/**
 * `litellm_settings.callbacks: [otel]` → where traces go, from the standard OTEL_* variables (and
 * LiteLLM's OTEL_ENDPOINT), read once here like the rest of the config.
 */
import { DEFAULTS, type TracingSettings } from "./gateway-config";
import type { GatewayFile } from "./litellm-schema";

function endpointFrom(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT)
    return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces`;
  return env.OTEL_ENDPOINT || undefined;
}

export function tracingFrom(
  file: GatewayFile,
  env: NodeJS.ProcessEnv,
  problems: string[],
): TracingSettings | undefined {
  if (!file.litellm_settings?.callbacks?.includes("otel")) return undefined;
  const endpoint = endpointFrom(env);
  if (!endpoint) {
    problems.push(
      "litellm_settings.callbacks: otel needs OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT",
    );
    return undefined;
  }
  if (!/^https?:\/\/[^\s/]+/.test(endpoint))
    problems.push(`OTLP endpoint "${endpoint}" is not an http(s) URL`);
  const ratio =
    env.OTEL_TRACES_SAMPLER_ARG === undefined
      ? DEFAULTS.tracingSampleRatio
      : Number(env.OTEL_TRACES_SAMPLER_ARG);
  if (!(ratio >= 0 && ratio <= 1)) problems.push("OTEL_TRACES_SAMPLER_ARG: must be a number from 0 to 1");
  return { endpoint, serviceName: env.OTEL_SERVICE_NAME || DEFAULTS.tracingServiceName, sampleRatio: ratio };
}
