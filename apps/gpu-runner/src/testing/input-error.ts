// Test-only: the code of the InputError a promise rejects with (failing the test otherwise).
import { expect } from "vitest";
import { InputError } from "../image/errors.js";

export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).code;
  }
  throw new Error("expected an InputError");
}
