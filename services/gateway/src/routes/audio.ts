import { SPEECH_ROUTE } from "./audio-speech";
import { TRANSCRIPTION_ROUTE } from "./audio-transcriptions";
import type { Route } from "./route";

export const AUDIO_ROUTES: readonly Route[] = [TRANSCRIPTION_ROUTE, SPEECH_ROUTE];
