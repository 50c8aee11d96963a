import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { parseConfig } from "../../src/config/parse-config.js";

/**
 * deploy/kubernetes: every object validates against the Kubernetes API's own schemas (the official OpenAPI
 * spec, as compiled by kubernetes-models: types, required fields, enums and formats; and, through its
 * TypeScript types compiled with tsc, no field the API does not have), and the objects fit together.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const FOLDER = join(ROOT, "deploy/kubernetes");

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are read as plain data and narrowed per kind below.
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

const kustomization = parseYaml(readFileSync(join(FOLDER, "kustomization.yaml"), "utf8")) as {
  namespace: string;
  resources: string[];
};
const objects: K8sObject[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(FOLDER, file), "utf8")).map((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
    return document.toJS() as K8sObject;
  }),
);
const find = (kind: string, name: string): K8sObject => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found;
};

/** The kubernetes-models module of each apiVersion/kind used here. */
function modelPath(object: K8sObject): string {
  const [group, version] = object.apiVersion.includes("/")
    ? object.apiVersion.split("/")
    : ["", object.apiVersion];
  return `kubernetes-models/${group === "" ? "" : `${group}/`}${version}/${object.kind}`;
}

let scratch: string | undefined;
afterAll(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe("deploy/kubernetes", () => {
  it("is a kustomization listing every manifest in the folder", () => {
    const manifests = readdirSync(FOLDER).filter(
      (file) => file.endsWith(".yaml") && file !== "kustomization.yaml",
    );
    expect([...kustomization.resources].sort()).toEqual(manifests.sort());
    expect(objects.map((object) => object.kind).sort()).toEqual([
      "ConfigMap",
      "Deployment",
      "HorizontalPodAutoscaler",
      "Namespace",
      "PodDisruptionBudget",
      "Secret",
      "Service",
      "Service",
      "StatefulSet",
    ]);
  });

  it.each(objects.map((object) => [`${object.kind} ${object.metadata.name}`, object] as const))(
    "%s validates against the Kubernetes API schema",
    async (_name, object) => {
      const module = (await import(modelPath(object))) as Record<
        string,
        new (
          data: unknown,
        ) => { validate(): void }
      >;
      const Model = module[object.kind];
      expect(Model).toBeDefined();
      expect(() =>
        new (Model as new (data: unknown) => { validate(): void })(object).validate(),
      ).not.toThrow();
    },
  );

  it("has no field the Kubernetes API does not know (checked by the API's TypeScript types)", () => {
    // Inside the repository, so that the manifests' imports resolve from its node_modules.
    mkdirSync(join(ROOT, ".tmp"), { recursive: true });
    scratch = mkdtempSync(join(ROOT, ".tmp", "k8s-"));
    const lines = objects.map((object, index) => {
      const type = `I${object.kind}`;
      return `import type { ${type} as T${index} } from "${modelPath(object)}";\nexport const object${index}: T${index} = ${JSON.stringify(object)};`;
    });
    writeFileSync(join(scratch, "manifests.ts"), lines.join("\n"));
    writeFileSync(
      join(scratch, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          skipLibCheck: true,
          types: [],
        },
        files: ["manifests.ts"],
      }),
    );
    let output = "";
    try {
      execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", scratch], {
        encoding: "utf8",
      });
    } catch (error) {
      output = String((error as { stdout?: unknown }).stdout ?? error);
    }
    expect(output).toBe("");
  });

  it("probes liveness on /health and readiness on /ready, with resources and a non-root user", () => {
    const pod = find("Deployment", "switchyard").spec.template.spec;
    const [container] = pod.containers;
    expect(container.livenessProbe.httpGet).toMatchObject({ path: "/health", port: "http" });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: "/ready", port: "http" });
    expect(container.ports).toEqual([{ name: "http", containerPort: 5000 }]);
    expect(container.resources.requests).toMatchObject({
      cpu: expect.any(String),
      memory: expect.any(String),
    });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    const env = Object.fromEntries(
      container.env.map((entry: { name: string; value?: string }) => [entry.name, entry.value]),
    );
    expect(env).toMatchObject({
      SWITCHYARD_HOST: "0.0.0.0",
      SWITCHYARD_PORT: "5000",
      SWITCHYARD_CONFIG: "/etc/switchyard/switchyard.yaml",
    });
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(30);
  });

  it("takes every key from the Secret, which has each of them", () => {
    const secret = find("Secret", "switchyard-secrets");
    const [container] = find("Deployment", "switchyard").spec.template.spec.containers;
    const references = container.env
      .filter((entry: { valueFrom?: unknown }) => entry.valueFrom !== undefined)
      .map(
        (entry: { valueFrom: { secretKeyRef: { name: string; key: string } } }) =>
          entry.valueFrom.secretKeyRef,
      );
    expect(references.length).toBeGreaterThanOrEqual(3);
    for (const reference of references) {
      expect(reference.name).toBe("switchyard-secrets");
      expect(secret.stringData).toHaveProperty(reference.key);
    }
  });

  it("mounts a ConfigMap whose routes are a valid config, given the Secret's and the pod's variables", () => {
    const config = find("ConfigMap", "switchyard-config");
    const pod = find("Deployment", "switchyard").spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: "config", configMap: { name: "switchyard-config" } });
    const podValues = (pod.containers[0].env ?? [])
      .filter((entry: { value?: string }) => entry.value !== undefined)
      .map((entry: { name: string; value: string }) => [entry.name, entry.value]);
    const env = Object.fromEntries([
      ...Object.keys(find("Secret", "switchyard-secrets").stringData ?? {}).map((key) => [
        key,
        "sk-placeholder-0123456789",
      ]),
      ...podValues,
    ]);
    const result = parseConfig(config.data?.["switchyard.yaml"] ?? "", "switchyard.yaml", env);
    expect(result.ok ? [] : result.issues).toEqual([]);
    // Replicas share the Responses API's stored conversations (a conversation moves between pods).
    const parsed = parseYaml(config.data?.["switchyard.yaml"] ?? "") as {
      responses?: { store?: { kind?: string; url?: string } };
    };
    expect(parsed.responses?.store).toEqual({ kind: "redis", url: "$SWITCHYARD_REDIS_URL" });
  });

  it("selects the gateway's pods with its Service, PodDisruptionBudget and autoscaler, and finds Redis by name", () => {
    const deployment = find("Deployment", "switchyard");
    const labels = deployment.spec.template.metadata.labels;
    expect(find("Service", "switchyard").spec.selector).toEqual(labels);
    expect(find("Service", "switchyard").spec.ports[0].targetPort).toBe("http");
    expect(find("PodDisruptionBudget", "switchyard").spec.selector.matchLabels).toEqual(labels);
    expect(find("HorizontalPodAutoscaler", "switchyard").spec.scaleTargetRef).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "switchyard",
    });
    expect(find("HorizontalPodAutoscaler", "switchyard").spec.minReplicas).toBeGreaterThanOrEqual(2);
    const redisUrl = deployment.spec.template.spec.containers[0].env.find(
      (entry: { name: string }) => entry.name === "SWITCHYARD_REDIS_URL",
    ).value;
    const redisService = find("Service", "switchyard-redis");
    expect(redisUrl).toBe(`redis://${redisService.metadata.name}:${redisService.spec.ports[0].port}`);
    expect(redisService.spec.selector).toEqual(
      find("StatefulSet", "switchyard-redis").spec.template.metadata.labels,
    );
  });

  it.skipIf(!existsSync("/usr/bin/kubectl"))("builds with kubectl kustomize into one namespace", () => {
    const built = execFileSync("/usr/bin/kubectl", ["kustomize", FOLDER], { encoding: "utf8" });
    const documents = parseAllDocuments(built).map(
      (document) => document.toJS() as K8sObject & { metadata: { namespace?: string } },
    );
    expect(documents).toHaveLength(objects.length);
    for (const document of documents.filter((entry) => entry.kind !== "Namespace")) {
      expect(document.metadata.namespace).toBe(kustomization.namespace);
    }
  });
});
