// Bounds of every public and runner-protocol message. Each schema uses these so that no field can
// grow without limit: a request or a runner message that passes its schema is small enough to store
// in D1 (rows ≤ 2 MB) and to answer quickly.
export const MAX_QUESTIONS = 50;
export const MAX_QUESTION_CHARS = 500;
/** Caller-given objects per job (`--objects`), and objects a runner may report. */
export const MAX_INPUT_OBJECTS = 200;
export const MAX_SCENE_OBJECTS = 1000;
export const MAX_LABEL_CHARS = 100;
export const MAX_URL_CHARS = 2048;
export const MAX_ID_CHARS = 100;
export const MAX_CODE_CHARS = 64;
export const MAX_MESSAGE_CHARS = 2000;
/** Answer sentences are a few lines at most. */
export const MAX_TEXT_CHARS = 4000;
/** Raw depth units per metre: 1 (a metre per unit) … 100 000 (10 µm per unit; 0.65 m range in 16 bits). */
export const MIN_DEPTH_SCALE = 1;
export const MAX_DEPTH_SCALE = 100_000;
/** Largest runner → hub WebSocket message; a scene graph of MAX_SCENE_OBJECTS objects fits well under it. */
export const MAX_RUNNER_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Frames in one reward sequence: 4 minutes at 1 fps, or 8 s of 30 fps video. */
export const MAX_REWARD_FRAMES = 240;
/** Caller-given objects per reward frame (tracked objects are few; this bounds the stored spec). */
export const MAX_REWARD_FRAME_OBJECTS = 20;
