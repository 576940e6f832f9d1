import * as pulumi from "@pulumi/pulumi";
import { pinnedImage } from "../common/images";
import { type AudioServerArgs, audioServerSizing, checkServerName } from "./common-args";
import type { ModelEndpoint } from "./model-endpoints";
import { declareModelServer } from "./model-server";

/**
 * ChatTTS publishes no server image: build one from ChatTTS's `examples/api` app (see README,
 * "Inference"), push it to your registry and set the stack's image; this is the name it expects.
 */
export const CHATTTS_IMAGE = "ai-inference/chattts-api:0.2.4";
const PORT = 8000;

/** Voice: the speaker seed picks the voice; the text seed the refiner's choices; sampling settings. */
export interface ChatTtsVoice {
  readonly audioSeed: number;
  readonly textSeed: number;
  readonly temperature: number;
  readonly topP: number;
  readonly topK: number;
}

/** Emotion and pace, as ChatTTS's control tokens: oral 0–9, laugh 0–2, break 0–7, speed 0–9. */
export interface ChatTtsEmotion {
  readonly oral: number;
  readonly laugh: number;
  readonly break: number;
  readonly speed: number;
}

export interface ChatTtsServerArgs extends AudioServerArgs {
  /** Name clients send as `model`. Default `"chattts"`. */
  readonly servedName?: string;
  readonly voice: ChatTtsVoice;
  readonly emotion: ChatTtsEmotion;
  /** Image, pinned. Default {@link CHATTTS_IMAGE}. */
  readonly image?: string;
}

const inRange = (value: number, max: number) => Number.isInteger(value) && value >= 0 && value <= max;

/** The fields of `POST /generate_voice` the gateway fills in from the stack's voice and emotion. */
export function chatTtsRequestDefaults(voice: ChatTtsVoice, emotion: ChatTtsEmotion) {
  const problems = [
    inRange(emotion.oral, 9) ? "" : "emotion.oral must be 0–9",
    inRange(emotion.laugh, 2) ? "" : "emotion.laugh must be 0–2",
    inRange(emotion.break, 7) ? "" : "emotion.break must be 0–7",
    inRange(emotion.speed, 9) ? "" : "emotion.speed must be 0–9",
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(problems.join("; "));
  return {
    audio_seed: voice.audioSeed,
    text_seed: voice.textSeed,
    temperature: voice.temperature,
    top_P: voice.topP,
    top_K: voice.topK,
    refine_text_prompt: `[oral_${emotion.oral}][laugh_${emotion.laugh}][break_${emotion.break}]`,
    infer_code_prompt: `[speed_${emotion.speed}]`,
  };
}

/**
 * ChatTTS text-to-speech. The server speaks ChatTTS's own API, not OpenAI's: `POST /generate_voice`
 * with `{text: [..], audio_seed, text_seed, params_refine_text: {prompt}, params_infer_code:
 * {prompt, temperature, top_P, top_K}, …}`, answering a zip of MP3s. The gateway exposes it as
 * `/v1/audio/speech` (endpoint `api: "chattts"`) and fills the voice and emotion from `requestDefaults`.
 */
export class ChatTtsServer extends pulumi.ComponentResource {
  public readonly endpoint: ModelEndpoint;

  constructor(name: string, args: ChatTtsServerArgs, opts?: pulumi.ComponentResourceOptions) {
    checkServerName(name);
    const gpu = args.device === "gpu";
    if (gpu && !args.gpuType) throw new Error(`${name}: device gpu needs a gpuType`);
    const image = args.image ?? CHATTTS_IMAGE;
    pinnedImage("image", image);
    const requestDefaults = chatTtsRequestDefaults(args.voice, args.emotion);
    if (!Number.isInteger(args.replicas) || args.replicas < 1)
      throw new Error(`${name}: replicas must be a whole number ≥ 1`);
    super("ai-platform:inference:ChatTtsServer", name, {}, opts);

    const server = declareModelServer(
      name,
      {
        namespace: args.namespace,
        engine: "chattts",
        image,
        args: [],
        env: [],
        port: PORT,
        // The FastAPI app serves its schema once the models are loaded (uvicorn binds after startup).
        healthPath: "/openapi.json",
        startupSeconds: 600,
        ...audioServerSizing(args),
      },
      this,
    );
    this.endpoint = {
      name: args.servedName ?? "chattts",
      url: server.baseUrl,
      kind: "audio-speech",
      api: "chattts",
      requestDefaults,
    };
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
