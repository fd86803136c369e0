// The server's command line and environment. Pure, so what runs is unit-tested.

import * as path from "node:path";

import type { ImportStrategy } from "./settings";

export const SERVER_ARGS: readonly string[] = ["-m", "asyncguide.server.cli", "serve"];

export interface Launch {
    command: string;
    args: string[];
    env: Record<string, string | undefined>;
}

/** The folder the build fills with asyncguide and its dependencies. */
export function bundledLibs(extensionPath: string): string {
    return path.join(extensionPath, "bundled", "libs");
}

/** The file the build writes about the bundled packages (see `BundleInfo`). */
export function bundleInfoFile(extensionPath: string): string {
    return path.join(extensionPath, "bundled", "bundle.json");
}

/** `python -m asyncguide.server.cli serve`; with `useBundled`, bundled/libs comes first on
 *  PYTHONPATH so the bundled copy wins over one installed in the environment. */
export function serverLaunch(
    interpreter: string,
    strategy: ImportStrategy,
    extensionPath: string,
    baseEnv: Record<string, string | undefined>,
    delimiter: string = path.delimiter,
): Launch {
    const env: Record<string, string | undefined> = { ...baseEnv, PYTHONUNBUFFERED: "1" };
    if (strategy === "useBundled") {
        const existing = baseEnv.PYTHONPATH;
        const libs = bundledLibs(extensionPath);
        env.PYTHONPATH = existing ? `${libs}${delimiter}${existing}` : libs;
    }
    return { command: interpreter, args: [...SERVER_ARGS], env };
}

/** The first of the `asyncguide.path` executables that exists. */
export function chooseExecutable(paths: readonly string[], isExecutableFile: (file: string) => boolean): string | undefined {
    return paths.find((file) => isExecutableFile(file));
}

/** `asyncguide serve` run by a configured executable (`asyncguide.path`). */
export function executableLaunch(executable: string, baseEnv: Record<string, string | undefined>): Launch {
    return { command: executable, args: ["serve"], env: { ...baseEnv, PYTHONUNBUFFERED: "1" } };
}
