import { z } from "zod";

/** An absolute http(s) URL, as accepted for every `*_api_base` config key. */
export const httpUrlSchema = z.string().refine(
  (value) => {
    try {
      const protocol = new URL(value).protocol;
      return protocol === "http:" || protocol === "https:";
    } catch {
      return false;
    }
  },
  { message: "must be an absolute http:// or https:// URL" },
);
