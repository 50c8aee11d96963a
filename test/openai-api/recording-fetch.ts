/** One HTTP exchange between a client and the gateway, as the bytes went over the wire. */
export interface RawExchange {
  method: string;
  /** The path and query, e.g. "/v1/chat/completions". */
  path: string;
  /** The JSON request body the client sent, parsed; undefined for none. */
  requestBody: unknown;
  status: number;
  headers: Headers;
  /** The whole response body as text, once it has been read to its end or broke off. */
  text: Promise<string>;
  /** Set (once `text` settled) when the body broke off instead of ending. */
  bodyError?: unknown;
}

export interface RecordingFetch {
  fetch: typeof fetch;
  /** Every exchange made through `fetch`, in order. */
  exchanges: RawExchange[];
}

/**
 * A fetch for the official SDK (`new OpenAI({fetch})`) that keeps a copy of every response body: the body is
 * teed, the SDK reads one branch as usual and this reads the other to its end, so tests can check the exact
 * bytes the gateway sent behind what the SDK made of them.
 */
export function createRecordingFetch(): RecordingFetch {
  const exchanges: RawExchange[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const requestText = init?.body === undefined || init.body === null ? undefined : await request.clone().text();
    const response = await fetch(request);
    const url = new URL(request.url);
    const exchange: RawExchange = {
      method: request.method,
      path: `${url.pathname}${url.search}`,
      requestBody: requestText === undefined || requestText === "" ? undefined : JSON.parse(requestText),
      status: response.status,
      headers: response.headers,
      text: Promise.resolve(""),
    };
    exchanges.push(exchange);
    if (response.body === null) return response;
    const [forClient, forRecord] = response.body.tee();
    exchange.text = readAll(forRecord, exchange);
    return new Response(forClient, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return { fetch: recordingFetch, exchanges };
}

/** Reads a body to its end; when it breaks off, keeps what arrived and notes the error. */
async function readAll(body: ReadableStream<Uint8Array>, exchange: RawExchange): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  const reader = body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    exchange.bodyError = error;
  }
  return text + decoder.decode();
}
