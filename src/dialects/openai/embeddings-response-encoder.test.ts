import { describe, expect, it } from "vitest";
import { createSpecValidator } from "../../../test/spec-validator.js";
import { createUsage, type EmbeddingsResponse } from "../../canonical/index.js";
import { encodeOpenAIEmbeddingsResponse } from "./embeddings-response-encoder.js";

const spec = createSpecValidator("openai");

const RESPONSE: EmbeddingsResponse = {
  model: "text-embedding-3-small",
  embeddings: [
    [0.0023064255, -0.009327292, 1.5, -2, 0],
    [3.4028234663852886e38, 1e-45, -0.1],
  ],
  usage: createUsage(8, 0),
};

/** What openai-node's `toFloat32Array` does with a base64 embedding under Node. */
function decodeAsTheSdkDoes(base64: string): number[] {
  const buf = Buffer.from(base64, "base64");
  return Array.from(
    new Float32Array(buf.buffer, buf.byteOffset, buf.length / Float32Array.BYTES_PER_ELEMENT),
  );
}

describe("encodeOpenAIEmbeddingsResponse", () => {
  it("encodes vectors as numbers for encoding_format float", () => {
    const encoded = encodeOpenAIEmbeddingsResponse(RESPONSE, "text-embedding-3-small", "float");
    expect(spec.validate("CreateEmbeddingResponse", encoded)).toEqual([]);
    expect(encoded).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: RESPONSE.embeddings[0] },
        { object: "embedding", index: 1, embedding: RESPONSE.embeddings[1] },
      ],
      model: "text-embedding-3-small",
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
  });

  it("encodes base64 that the official SDK decodes to the same float32 values", () => {
    const encoded = encodeOpenAIEmbeddingsResponse(RESPONSE, "m", "base64");
    encoded.data.forEach((item, index) => {
      expect(typeof item.embedding).toBe("string");
      const expected = Array.from(Float32Array.from(RESPONSE.embeddings[index] ?? []));
      expect(decodeAsTheSdkDoes(item.embedding as string)).toEqual(expected);
    });
    // The spec describes only the float form; the envelope around the strings is the same.
    const asFloats = { ...encoded, data: encoded.data.map((item) => ({ ...item, embedding: [] })) };
    expect(spec.validate("CreateEmbeddingResponse", asFloats)).toEqual([]);
  });

  it("writes the bytes little-endian, whatever the platform", () => {
    const [item] = encodeOpenAIEmbeddingsResponse({ ...RESPONSE, embeddings: [[1]] }, "m", "base64").data;
    expect(Buffer.from(item?.embedding as string, "base64")).toEqual(Buffer.from([0x00, 0x00, 0x80, 0x3f]));
  });

  it("writes unknown token counts as 0", () => {
    const encoded = encodeOpenAIEmbeddingsResponse(
      { ...RESPONSE, usage: createUsage(null, null) },
      "m",
      "float",
    );
    expect(encoded.usage).toEqual({ prompt_tokens: 0, total_tokens: 0 });
  });
});
