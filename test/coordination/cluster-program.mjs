// A real node:cluster program around the gateway's coordination classes (from dist/): the primary hosts a
// counter service; each worker calls it concurrently and listens to events. Prints one JSON line per worker.
import cluster from "node:cluster";

const dist = new URL("../../dist/", import.meta.url);
const { ServiceHost } = await import(new URL("coordination/service-host.js", dist).href);
const { PrimaryCoordination } = await import(new URL("server/primary-coordination.js", dist).href);
const { WorkerCoordinator } = await import(new URL("server/worker-coordinator.js", dist).href);
const { isCoordinationReply, isCoordinationRequest } = await import(
  new URL("server/coordination-messages.js", dist).href
);

const WORKERS = 2;
const CALLS = 200;

if (cluster.isPrimary) {
  let total = 0;
  const host = new ServiceHost([
    {
      name: "counter",
      handle: (payload) => {
        if (payload.by === 0) throw new Error("zero is not a step");
        total += payload.by;
        return { total };
      },
    },
  ]);
  const silent = { error() {}, warn() {}, info() {} };
  const coordination = new PrimaryCoordination(host, () => Object.values(cluster.workers), silent);
  let ready = 0;
  let done = 0;
  let counted = 0;
  for (let index = 0; index < WORKERS; index++) {
    const worker = cluster.fork();
    worker.on("message", (message) => {
      if (isCoordinationRequest(message)) return coordination.receive(worker, message);
      if (message.type === "ready" && ++ready === WORKERS) coordination.publish("go", { calls: CALLS });
      // Each worker's "hello" reached the primary before its result (one ordered channel), and was relayed to
      // every worker before "count" is: so "count" finds every hello delivered.
      if (message.type === "result" && ++done === WORKERS) coordination.publish("count", {});
      if (message.type === "counted") {
        process.stdout.write(`${JSON.stringify(message.result)}\n`);
        if (++counted === WORKERS) {
          process.stdout.write(`${JSON.stringify({ primaryTotal: total })}\n`);
          for (const each of Object.values(cluster.workers)) each.kill();
        }
      }
    });
  }
} else {
  const coordinator = new WorkerCoordinator(
    (message) => process.send(message),
    () => {},
  );
  process.on("message", (message) => {
    if (isCoordinationReply(message)) coordinator.receive(message);
  });
  const events = [];
  coordinator.subscribe("hello", (payload) => events.push(payload));
  coordinator.subscribe("go", async ({ calls }) => {
    const answers = await Promise.all(
      Array.from({ length: calls }, () => coordinator.call("counter", { by: 1 })),
    );
    const failure = await coordinator.call("counter", { by: 0 }).catch((error) => error.reason);
    const missing = await coordinator.call("nope", {}).catch((error) => error.reason);
    coordinator.publish("hello", { from: process.pid });
    const maxSeen = Math.max(...answers.map((answer) => answer.total));
    coordinator.subscribe("count", () =>
      process.send({
        type: "counted",
        result: { pid: process.pid, maxSeen, failure, missing, events: events.length },
      }),
    );
    process.send({ type: "result" });
  });
  process.send({ type: "ready" });
}
