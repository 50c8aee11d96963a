/**
 * The config path from `--config-path`, else from SWITCHYARD_CONFIG, else from MLflow's MLFLOW_GATEWAY_CONFIG
 * (so an MLflow gateway's environment works unchanged).
 */
export function resolveConfigPath(
  option: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return option ?? env.SWITCHYARD_CONFIG ?? env.MLFLOW_GATEWAY_CONFIG;
}

export const CONFIG_PATH_HELP = "path to the YAML config file (default: $SWITCHYARD_CONFIG)";

export const MISSING_CONFIG_PATH =
  "No config file given: pass --config-path FILE or set SWITCHYARD_CONFIG. The bundled example is examples/switchyard.yaml.";
