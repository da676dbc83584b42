import { validator } from "hono/validator";
import type { z } from "zod";
import { ApiError, parseOr400 } from "./errors.js";

/** Validates a JSON body with a zod schema (415 when it is not JSON, 400 naming the field when invalid). */
export const jsonBody = <T extends z.ZodType>(schema: T) =>
  validator("json", (value, c): z.output<T> => {
    if (!/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(c.req.header("Content-Type") ?? "")) {
      throw new ApiError(415, "unsupported_media_type", "Content-Type must be application/json");
    }
    return parseOr400(schema, value);
  });
