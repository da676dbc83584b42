// Any failure as one readable sentence for the page: the server's own message, said in words a
// person acts on, never a stack trace or "[object Object]".
import { ApiError, JobFailedError } from "@spatial/sdk";

export function describeError(error: unknown): string {
  if (error instanceof JobFailedError) return `The job failed (${error.code}): ${error.message}`;
  if (error instanceof ApiError) {
    switch (error.status) {
      case 0:
        return `The service cannot be reached: ${error.message}`;
      case 401:
        return `The API key was refused (${error.code}): ${error.message}. Sign in again with a valid key.`;
      case 403:
        return `This key may not do that (${error.code}): ${error.message}`;
      case 404:
        return `Not found (${error.code}): ${error.message}`;
      case 413:
        return `The upload is too large (${error.code}): ${error.message}`;
      case 415:
        return `That file is not an image the service reads, JPEG, PNG or WebP (${error.code}): ${error.message}`;
      case 429:
        return `Too many requests (${error.code}): ${error.message}`;
      default:
        return `The server refused the request (HTTP ${error.status}, ${error.code}): ${error.message}`;
    }
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
