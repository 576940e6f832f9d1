import * as pulumi from "@pulumi/pulumi";
import { pinnedImage } from "../common/images";
import { type AudioServerArgs, audioServerSizing, checkServerName } from "./common-args";
import type { ModelEndpoint } from "./model-endpoints";
import { declareModelServer } from "./model-server";

/** speaches (faster-whisper behind the OpenAI audio API): one image per device. */
export const WHISPER_IMAGES = {
  gpu: "ghcr.io/speaches-ai/speaches:0.8.3-cuda",
  cpu: "ghcr.io/speaches-ai/speaches:0.8.3-cpu",
} as const;
const PORT = 8000;

export interface WhisperServerArgs extends AudioServerArgs {
  /** Name clients send as `model`, e.g. `whisper-large-v3`. No default. */
  readonly servedName: string;
  /** The faster-whisper (CTranslate2) model speaches loads, e.g. `Systran/faster-whisper-large-v3`. No default. */
  readonly model: string;
  /** CTranslate2 compute type. Default `float16` on GPU, `int8` on CPU. */
  readonly computeType?: string;
  /** Language the gateway sends when the client names none (ISO 639-1). Default: auto-detect. */
  readonly language?: string;
  /** Words to bias recognition towards, sent as the transcription `prompt`. Default `[]`. */
  readonly hotwords?: readonly string[];
  /** Image, pinned. Default {@link WHISPER_IMAGES} for the device. */
  readonly image?: string;
}

/**
 * An OpenAI-compatible speech-to-text server (`/v1/audio/transcriptions`) on faster-whisper, from the
 * speaches image. speaches loads the model on first use into the replica's volume and keeps it loaded.
 */
export class WhisperServer extends pulumi.ComponentResource {
  public readonly endpoint: ModelEndpoint;

  constructor(name: string, args: WhisperServerArgs, opts?: pulumi.ComponentResourceOptions) {
    checkServerName(name);
    const gpu = args.device === "gpu";
    if (gpu && !args.gpuType) throw new Error(`${name}: device gpu needs a gpuType`);
    const image = args.image ?? WHISPER_IMAGES[args.device];
    pinnedImage("image", image);
    if (!Number.isInteger(args.replicas) || args.replicas < 1)
      throw new Error(`${name}: replicas must be a whole number ≥ 1`);
    super("ai-platform:inference:WhisperServer", name, {}, opts);

    const server = declareModelServer(
      name,
      {
        namespace: args.namespace,
        engine: "whisper",
        image,
        args: [],
        env: [
          { name: "WHISPER__INFERENCE_DEVICE", value: gpu ? "cuda" : "cpu" },
          { name: "WHISPER__COMPUTE_TYPE", value: args.computeType ?? (gpu ? "float16" : "int8") },
          // Keep the model loaded: unloading after 5 idle minutes would make the next request slow.
          { name: "WHISPER__TTL", value: "-1" },
          { name: "ENABLE_UI", value: "false" },
          { name: "LOG_LEVEL", value: "info" },
        ],
        port: PORT,
        healthPath: "/health",
        startupSeconds: 300,
        ...audioServerSizing(args),
      },
      this,
    );
    const hotwords = args.hotwords ?? [];
    this.endpoint = {
      name: args.servedName,
      url: `${server.baseUrl}/v1`,
      kind: "audio-transcription",
      api: "openai",
      upstreamModel: args.model,
      requestDefaults: {
        ...(args.language ? { language: args.language } : {}),
        ...(hotwords.length > 0 ? { prompt: hotwords.join(", ") } : {}),
      },
    };
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
