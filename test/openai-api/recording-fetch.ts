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
  /** Set (once `text` settled) when the body broke off, or the client cut it off, before its end. */
  bodyError?: unknown;
}

export interface RecordingFetch {
  fetch: typeof fetch;
  /** Every exchange made through `fetch`, in order. */
  exchanges: RawExchange[];
}

export interface RecordingOptions {
  /**
   * false (the default): the gateway's whole answer is recorded even when the client stops reading early (the
   * SDK stops at an error frame and then aborts), so tests see everything the gateway sent: the request is made
   * without the client's abort signal, and a body the client cancels is read on to its end.
   * true: the client's abort and cancel reach the connection, as a real client's would; the record then ends
   * where the client stopped.
   */
  followClientAbort?: boolean;
}

/**
 * A fetch for the official SDK (`new OpenAI({fetch})`) that keeps a copy of every response body, so tests can
 * check the exact bytes the gateway sent behind what the SDK made of them. The SDK reads the body through a
 * stream that records each chunk as it passes.
 */
export function createRecordingFetch(options: RecordingOptions = {}): RecordingFetch {
  const exchanges: RawExchange[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const requestText = request.body === null ? undefined : await request.clone().text();
    const response = await fetch(
      options.followClientAbort === true
        ? request
        : new Request(request.url, { method: request.method, headers: request.headers, body: requestText }),
    );
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
    const body = recordBody(response.body, exchange, options.followClientAbort === true);
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return { fetch: recordingFetch, exchanges };
}

/**
 * The body the client reads, recording every chunk into `exchange.text`. Unless the client's abort is followed,
 * the body is read to its end whether or not the client reads it (an SDK that throws at an error frame stops),
 * and handed to the client as it arrives.
 */
function recordBody(
  source: ReadableStream<Uint8Array>,
  exchange: RawExchange,
  followClientAbort: boolean,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let settled = false;
  let settle: (text: string) => void = () => {};
  exchange.text = new Promise((resolve) => {
    settle = resolve;
  });
  const finish = (error?: unknown): void => {
    if (settled) return;
    settled = true;
    if (error !== undefined) exchange.bodyError = error;
    settle(text + decoder.decode());
  };
  const readChunk = async (): Promise<ReadableStreamReadResult<Uint8Array>> => {
    const result = await reader.read();
    if (result.done) finish();
    else text += decoder.decode(result.value, { stream: true });
    return result;
  };
  if (followClientAbort) {
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const result = await readChunk();
          if (result.done) controller.close();
          else controller.enqueue(result.value);
        } catch (error) {
          finish(error);
          controller.error(error);
        }
      },
      cancel(reason) {
        finish(reason ?? new Error("the client cancelled the body"));
        return reader.cancel(reason);
      },
    });
  }
  let clientGone = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      void (async () => {
        try {
          for (let result = await readChunk(); !result.done; result = await readChunk()) {
            if (!clientGone) controller.enqueue(result.value);
          }
          if (!clientGone) controller.close();
        } catch (error) {
          finish(error);
          if (!clientGone) controller.error(error);
        }
      })();
    },
    cancel() {
      clientGone = true;
    },
  });
}
