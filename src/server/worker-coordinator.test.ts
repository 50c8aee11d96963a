import { describe, expect, it } from "vitest";
import type { CoordinationRequest } from "./coordination-messages.js";
import { type ChannelToPrimary, sendToPrimary, WorkerCoordinator } from "./worker-coordinator.js";

/** A worker's IPC channel whose backlog is long: `send` queues the message and answers false, as Node's does. */
function busyChannel(): ChannelToPrimary & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    connected: true,
    sent,
    send: (message) => {
      sent.push(message);
      return false;
    },
  };
}

describe("the worker's channel to the primary", () => {
  it("keeps a call waiting for its answer when the channel is only busy, and fails it at once when closed", async () => {
    const channel = busyChannel();
    const coordinator = new WorkerCoordinator(
      (message) => sendToPrimary(channel, message),
      () => {},
    );
    const answer = coordinator.call("limits", { ops: [] }, { timeoutMs: 5000 });
    const request = channel.sent[0] as CoordinationRequest & { id: number };
    expect(request).toMatchObject({ type: "coord-call", service: "limits" });
    coordinator.receive({ type: "coord-answer", id: request.id, ok: true, value: "decided" });
    await expect(answer).resolves.toBe("decided");

    channel.connected = false;
    await expect(coordinator.call("limits", { ops: [] })).rejects.toMatchObject({ reason: "owner_gone" });
    expect(channel.sent).toHaveLength(1);
  });
});
