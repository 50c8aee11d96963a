import { holdYoungGeneration } from "./startup-young-generation.js";

/**
 * A cluster worker's entry point: holds back the young generation's growth (startup-young-generation.ts) before
 * the worker's modules are loaded, which a static import of them would do before any line here ran.
 */
holdYoungGeneration();
await import("./worker-main.js");
