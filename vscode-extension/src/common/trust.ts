// Restricted Mode. asyncguide reads the workspace's files and never runs its code, so it lints in
// an untrusted workspace too, but only with what the workspace cannot choose: the server bundled
// with the extension, on a Python interpreter outside every workspace folder. Pure, so the rules
// are unit-tested without VS Code.

import * as path from "node:path";

import type { ExtensionSettings } from "./settings";

/** True when `file` is one of `folders` or lies under one. */
export function insideFolders(file: string, folders: readonly string[], platform: NodeJS.Platform = process.platform): boolean {
    const pathApi = platform === "win32" ? path.win32 : path.posix;
    const resolved = pathApi.resolve(file);
    const same = (a: string, b: string): boolean => (platform === "win32" ? a.toLowerCase() === b.toLowerCase() : a === b);
    return folders.some((folder) => {
        const relative = pathApi.relative(pathApi.resolve(folder), resolved);
        return same(relative, "") || (!relative.startsWith("..") && !pathApi.isAbsolute(relative));
    });
}

/** `searchPath` (PATH) without its folders inside the workspace: a `python3` found there is the
 *  workspace's. */
export function pathOutside(searchPath: string | undefined, folders: readonly string[], platform: NodeJS.Platform = process.platform): string {
    const separator = platform === "win32" ? ";" : ":";
    return (searchPath ?? "")
        .split(separator)
        .filter((entry) => entry !== "" && !insideFolders(entry, folders, platform))
        .join(separator);
}

export interface Restricted {
    settings: ExtensionSettings;
    /** What was left out, for the log. */
    ignored: string[];
}

/** The settings to launch with in an untrusted workspace: the bundled server, no `asyncguide`
 *  executable, and no interpreter inside the workspace. (VS Code already hides the workspace's own
 *  values of these settings, declared `restrictedConfigurations`; a user-level value may still
 *  point into the workspace, through `${workspaceFolder}`.) */
export function restrictForUntrustedWorkspace(settings: ExtensionSettings, folders: readonly string[], platform: NodeJS.Platform = process.platform): Restricted {
    const ignored: string[] = [];
    if (settings.importStrategy !== "useBundled") {
        ignored.push(`asyncguide.importStrategy "${settings.importStrategy}" (the bundled server runs)`);
    }
    if (settings.path.length > 0) {
        ignored.push(`asyncguide.path ${JSON.stringify(settings.path)}`);
    }
    let interpreter = settings.interpreter;
    if (interpreter !== "" && insideFolders(interpreter, folders, platform)) {
        ignored.push(`asyncguide.interpreter "${interpreter}" (inside the workspace)`);
        interpreter = "";
    }
    return { settings: { ...settings, interpreter, path: [], importStrategy: "useBundled" }, ignored };
}
