import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * An earlier commit of Switchyard, checked out in a temporary git worktree and built, so that a bench can run
 * it side by side with the current build. It uses this checkout's node_modules (linked, not installed: npm's
 * registry may be out of reach), so the dependencies it pins must match; `changedPins` says which do not.
 */
export interface BaselineBuild {
  /** The commit, as `git rev-parse --short` names it. */
  commit: string;
  dir: string;
  /** Dependencies whose pinned version differs between the baseline's package.json and this checkout's. */
  changedPins: string[];
  remove(): void;
}

/** The last commit before the second round's features (issue 5's bench and fast path, 2026-11-25). */
export const ROUND_ONE_END = "060c5f4";

type PackagePins = Record<string, string>;

function pinsOf(packageJson: string): PackagePins {
  const parsed = JSON.parse(packageJson) as {
    dependencies?: PackagePins;
    devDependencies?: PackagePins;
  };
  return { ...parsed.devDependencies, ...parsed.dependencies };
}

/** The packages both package.json files pin, at different versions ("name: old -> new"), by name. */
export function changedPins(baselinePackageJson: string, currentPackageJson: string): string[] {
  const baseline = pinsOf(baselinePackageJson);
  const current = pinsOf(currentPackageJson);
  return Object.entries(baseline)
    .filter(([name, version]) => current[name] !== undefined && current[name] !== version)
    .map(([name, version]) => `${name}: ${version} -> ${current[name]}`)
    .sort();
}

function git(repoDir: string, args: string[]): string {
  return execFileSync("git", ["-C", repoDir, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Checks out `commitish` of the repository at repoDir beside it, in a temporary directory, and builds it. */
export function prepareBaseline(repoDir: string, commitish: string): BaselineBuild {
  const commit = git(repoDir, ["rev-parse", "--short", `${commitish}^{commit}`]).trim();
  const dir = join(mkdtempSync(join(tmpdir(), "switchyard-baseline-")), commit);
  git(repoDir, ["worktree", "add", "--detach", dir, commit]);
  const remove = (): void => {
    try {
      git(repoDir, ["worktree", "remove", "--force", dir]);
    } catch {
      // Already gone, or git refuses: the directory is removed below and `git worktree prune` forgets it.
    }
    rmSync(join(dir, ".."), { recursive: true, force: true });
  };
  try {
    symlinkSync(join(repoDir, "node_modules"), join(dir, "node_modules"), "dir");
    execFileSync("npm", ["run", "build", "--silent"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
    if (!existsSync(join(dir, "bin", "switchyard.js"))) throw new Error(`${commit} has no bin/switchyard.js`);
  } catch (error) {
    remove();
    throw error;
  }
  return {
    commit,
    dir,
    changedPins: changedPins(
      readFileSync(join(dir, "package.json"), "utf8"),
      readFileSync(join(repoDir, "package.json"), "utf8"),
    ),
    remove,
  };
}
