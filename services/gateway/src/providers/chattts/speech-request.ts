/**
 * OpenAI `/v1/audio/speech` → the ChatTTS API server (ChatTTS `examples/api`): `POST /generate_voice`
 * with the text and the voice/emotion settings, answered with a zip holding one MP3 per text.
 * OpenAI's `voice` names have no ChatTTS meaning; a numeric `voice` picks the speaker seed.
 */
export interface SpeechInput {
  readonly input: string;
  readonly voice: string;
  readonly speed?: number;
}

export function chatTtsRequest(
  speech: SpeechInput,
  defaults: Readonly<Record<string, string | number | boolean>>,
) {
  const numericVoice = /^\d+$/.test(speech.voice) ? Number(speech.voice) : undefined;
  // OpenAI's speed 0.25–4 onto ChatTTS's [speed_0..9] control token (1.0 → 5).
  const speedToken =
    speech.speed === undefined ? undefined : Math.max(0, Math.min(9, Math.round(speech.speed * 5)));
  const inferPrompt =
    speedToken === undefined ? (defaults.infer_code_prompt ?? "[speed_5]") : `[speed_${speedToken}]`;
  return {
    text: [speech.input],
    stream: false,
    lang: defaults.lang ?? null,
    skip_refine_text: defaults.skip_refine_text ?? false,
    refine_text_only: false,
    use_decoder: true,
    audio_seed: numericVoice ?? defaults.audio_seed ?? 2,
    text_seed: defaults.text_seed ?? 42,
    do_text_normalization: true,
    do_homophone_replacement: false,
    params_refine_text: { prompt: defaults.refine_text_prompt ?? "" },
    params_infer_code: {
      prompt: inferPrompt,
      temperature: defaults.temperature ?? 0.3,
      top_P: defaults.top_P ?? 0.7,
      top_K: defaults.top_K ?? 20,
    },
  };
}
