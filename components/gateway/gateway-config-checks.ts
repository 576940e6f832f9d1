import { CLOUD_PROVIDERS, isCloudProvider } from "./cloud-providers";
import {
  type GatewayConfigInput,
  type GatewayMode,
  MODES,
  type ResolvedModelEndpoint,
  STRATEGIES,
} from "./gateway-config";

const positiveInteger = (value: number | undefined) =>
  value === undefined || (Number.isInteger(value) && value > 0);
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;

/**
 * Every problem with the models and settings that can be seen before the URLs resolve, one line each:
 * names, providers, prices, one key Secret per provider, one mode per model group, fallbacks that
 * name existing models, routing numbers.
 */
export function gatewayConfigProblems(
  input: Omit<GatewayConfigInput, "endpoints"> & {
    readonly endpoints: readonly Omit<ResolvedModelEndpoint, "url">[];
  },
): string[] {
  const problems: string[] = [];
  const modes = new Map<string, Set<GatewayMode>>();
  const addMode = (name: string, mode: GatewayMode) =>
    modes.set(name, (modes.get(name) ?? new Set()).add(mode));
  for (const endpoint of input.endpoints) {
    if (!MODEL_NAME.test(endpoint.name))
      problems.push(`modelEndpoints: "${endpoint.name}" is not a model name`);
    if (!Object.hasOwn(MODES, endpoint.kind))
      problems.push(`modelEndpoints.${endpoint.name}.kind: "${endpoint.kind}" is not a known kind`);
    else addMode(endpoint.name, MODES[endpoint.kind]);
  }
  const keySecrets = new Map<string, string>();
  for (const [index, model] of input.cloudModels.entries()) {
    const at = `cloudModels[${index}]`;
    if (!MODEL_NAME.test(model.name)) problems.push(`${at}.name: "${model.name}" is not a model name`);
    if (!isCloudProvider(model.provider)) {
      problems.push(
        `${at}.provider: "${model.provider}" is not one of ${Object.keys(CLOUD_PROVIDERS).join(", ")}`,
      );
      continue;
    }
    if (!model.model.trim()) problems.push(`${at}.model: is empty`);
    if (model.apiBase !== undefined && !/^https:\/\/[^\s/]+/.test(model.apiBase))
      problems.push(`${at}.apiBase: must be an https URL (API keys travel with every request)`);
    for (const field of ["inputCostPerMillionTokens", "outputCostPerMillionTokens"] as const) {
      const price = model[field];
      if (price !== undefined && !(Number.isFinite(price) && price >= 0))
        problems.push(`${at}.${field}: must be a number of USD at or above 0`);
    }
    for (const field of ["rpm", "tpm", "contextLength"] as const)
      if (!positiveInteger(model[field])) problems.push(`${at}.${field}: must be a positive whole number`);
    const secret = `${model.apiKeySecret.name}/${model.apiKeySecret.key}`;
    const earlier = keySecrets.get(model.provider);
    if (earlier !== undefined && earlier !== secret)
      problems.push(
        `${at}.apiKeySecret: ${model.provider} already takes its key from ${earlier}; one key per provider`,
      );
    keySecrets.set(model.provider, earlier ?? secret);
    addMode(model.name, MODES[model.kind ?? "chat"]);
  }
  if (modes.size === 0) problems.push("no models: give modelEndpoints or cloudModels");
  for (const [name, groupModes] of modes)
    if (groupModes.size > 1)
      problems.push(`model "${name}" mixes modes (${[...groupModes].join(", ")}); one name serves one kind`);

  const routing = input.routing;
  if (routing.strategy !== undefined && !STRATEGIES.includes(routing.strategy))
    problems.push(`routing.strategy: "${routing.strategy}" is not one of ${STRATEGIES.join(", ")}`);
  // The ranges the gateway's own config schema accepts.
  const { numRetries, allowedFails, cooldownSeconds } = routing;
  if (numRetries !== undefined && !(Number.isInteger(numRetries) && numRetries >= 0 && numRetries <= 10))
    problems.push("routing.numRetries: must be a whole number from 0 to 10");
  if (!positiveInteger(allowedFails)) problems.push("routing.allowedFails: must be a positive whole number");
  if (!positiveInteger(cooldownSeconds))
    problems.push("routing.cooldownSeconds: must be a positive whole number");
  for (const field of ["fallbacks", "contextWindowFallbacks", "contentPolicyFallbacks"] as const) {
    for (const [model, targets] of Object.entries(routing[field] ?? {})) {
      for (const name of [model, ...targets])
        if (!modes.has(name)) problems.push(`routing.${field}: "${name}" is not a model of this gateway`);
      if (targets.includes(model)) problems.push(`routing.${field}: "${model}" falls back to itself`);
    }
  }
  if (!(input.maxRequestSizeMb > 0)) problems.push("maxRequestSizeMb: must be above 0");
  if (!positiveInteger(input.cache.ttlSeconds))
    problems.push("cache.ttlSeconds: must be a positive whole number");
  if (!positiveInteger(input.requestTimeoutSeconds))
    problems.push("requestTimeoutSeconds: must be a positive whole number");
  const aliases = new Set<string>();
  for (const [index, serviceKey] of input.serviceKeys.entries()) {
    const at = `serviceKeys[${index}]`;
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(serviceKey.alias))
      problems.push(`${at}.alias: "${serviceKey.alias}" must be lowercase letters, digits and '-'`);
    if (aliases.has(serviceKey.alias)) problems.push(`${at}.alias: "${serviceKey.alias}" is used twice`);
    aliases.add(serviceKey.alias);
    for (const model of serviceKey.models ?? [])
      if (!modes.has(model)) problems.push(`${at}.models: "${model}" is not a model of this gateway`);
  }
  if (input.adminJwt) {
    for (const field of ["issuer", "jwksUrl"] as const)
      if (!/^https?:\/\/\S+$/.test(input.adminJwt[field])) problems.push(`adminJwt.${field}: must be a URL`);
    for (const field of ["audience", "role"] as const)
      if (!input.adminJwt[field].trim()) problems.push(`adminJwt.${field}: is empty`);
  }
  return problems;
}
