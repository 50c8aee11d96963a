/**
 * A vector as base64 of its little-endian float32 values: OpenAI's `encoding_format: "base64"`, which the
 * official SDKs request by default and decode with `Buffer.from(text, "base64")` viewed as a Float32Array
 * (openai-node `toFloat32Array`). Values are rounded to float32, as OpenAI's own base64 vectors are.
 */
export function encodeFloat32Base64(vector: readonly number[]): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let position = 0; position < vector.length; position++) {
    view.setFloat32(position * 4, vector[position] ?? 0, true);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
