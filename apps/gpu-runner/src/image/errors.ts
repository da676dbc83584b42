// Errors in what the caller sent (an image, a depth map, intrinsics), as opposed to faults of the
// runner. Each carries a machine-readable `code` the edge maps to an HTTP 4xx, and a one-line message
// that says what is wrong and how to fix it (the CLI prints it as is and exits non-zero).

export const INPUT_ERROR_CODES = [
  "image_not_found",
  "image_corrupt",
  "image_unsupported_format",
  "image_too_large",
  "image_file_too_large",
  "depth_not_found",
  "depth_size_mismatch",
  "depth_format",
  "depth_empty",
  "intrinsics_invalid",
  "objects_not_found",
  "objects_invalid",
  "objects_box_outside",
  "objects_mask_not_found",
  "objects_mask_invalid",
  "objects_mask_size",
  "objects_mask_empty",
  "task_unrecognised",
  "task_objects_not_seen",
] as const;
export type InputErrorCode = (typeof INPUT_ERROR_CODES)[number];

export class InputError extends Error {
  readonly code: InputErrorCode;
  constructor(code: InputErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InputError";
    this.code = code;
  }
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}

/** "25 MiB", "3.2 MiB", "812 KiB": sizes in messages people read. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
