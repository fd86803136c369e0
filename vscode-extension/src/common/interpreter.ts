// Which Python runs the server, and whether it can. Pure: the file system, the Python extension
// and the probe's process are passed in, so every decision is unit-tested without VS Code.

import * as path from "node:path";

import type { ImportStrategy } from "./settings";

export const MINIMUM_PYTHON: readonly [number, number] = [3, 10];

export type InterpreterSource = "setting" | "pythonExtension" | "path";

export interface InterpreterChoice {
    command: string;
    source: InterpreterSource;
}

/** In order: the `asyncguide.interpreter` setting; the Python extension's interpreter for the
 *  folder (undefined when that extension is not installed or has none); `python3` on PATH. */
export function chooseInterpreter(
    setting: string,
    pythonExtension: string | undefined,
    onPath: string | undefined,
): InterpreterChoice | undefined {
    if (setting !== "") {
        return { command: setting, source: "setting" };
    }
    if (pythonExtension !== undefined && pythonExtension !== "") {
        return { command: pythonExtension, source: "pythonExtension" };
    }
    if (onPath !== undefined) {
        return { command: onPath, source: "path" };
    }
    return undefined;
}

/** The Python extension's interpreter, without waiting for that extension when it can be helped:
 *  asking it (`ask`) waits until it has activated, seconds in a fresh window, before the server
 *  could start. `remembered`, its answer the last time this workspace was open, is returned at
 *  once when `exists` says that file is still there; the extension is asked all the same, and
 *  `changed` gets its answer when that differs. Without a usable remembered answer, the
 *  extension's is waited for. */
export async function pythonExtensionChoice(
    remembered: string | undefined,
    exists: (file: string) => boolean,
    ask: () => Promise<string | undefined>,
    changed: (answer: string | undefined) => void,
): Promise<string | undefined> {
    const asking = ask();
    if (remembered === undefined || !exists(remembered)) {
        return asking;
    }
    void asking.then((answer) => {
        if (answer !== remembered) {
            changed(answer);
        }
    });
    return remembered;
}

/** The names tried on PATH: `python3`, and on Windows (where python.org installs `python.exe`
 *  and `py.exe`, no `python3`) `python` first. */
export function pythonNames(platform: NodeJS.Platform): string[] {
    return platform === "win32" ? ["python", "python3"] : ["python3"];
}

/** The first `name` found on `searchPath`, as a full path, like a shell would find it. */
export function findOnPath(
    names: readonly string[],
    searchPath: string | undefined,
    platform: NodeJS.Platform,
    isExecutableFile: (file: string) => boolean,
    pathExt = ".EXE;.CMD;.BAT;.COM",
): string | undefined {
    const pathApi = platform === "win32" ? path.win32 : path.posix;
    const folders = (searchPath ?? "").split(platform === "win32" ? ";" : ":").filter((folder) => folder !== "");
    const suffixes = platform === "win32" ? ["", ...pathExt.split(";").map((ext) => ext.toLowerCase())] : [""];
    for (const name of names) {
        for (const folder of folders) {
            for (const suffix of suffixes) {
                const candidate = pathApi.join(folder, name + suffix);
                if (isExecutableFile(candidate)) {
                    return candidate;
                }
            }
        }
    }
    return undefined;
}

export function describeSource(choice: InterpreterChoice): string {
    switch (choice.source) {
        case "setting":
            return "the asyncguide.interpreter setting";
        case "pythonExtension":
            return "the Python extension's selected interpreter";
        case "path":
            return "python3 on PATH";
    }
}

/** How the probe looks for the server: `find` locates `asyncguide.server.lsp` without importing it
 *  (a Python start-up, the check before each start); `import` imports it, to say why a server that
 *  did not start cannot (its import error). */
export type ProbeMode = "find" | "import";

/** Run with the server's environment and the mode as its argument: prints what the interpreter
 *  is and where the server package is. Written for any Python 3, so an old one still answers with
 *  its version. */
export const PROBE_SCRIPT = [
    "import json, sys, sysconfig",
    "found, error = None, None",
    "if sys.version_info >= (3, 10):",
    "    try:",
    "        if sys.argv[-1] == 'import':",
    "            import asyncguide.server.lsp",
    "            found = asyncguide.server.lsp.__file__",
    "        else:",
    "            import importlib.util",
    "            spec = importlib.util.find_spec('asyncguide.server.lsp')",
    "            found = spec.origin if spec is not None else None",
    "            error = None if spec is not None else \"ModuleNotFoundError: No module named 'asyncguide.server.lsp'\"",
    "    except Exception as exception:",
    "        error = '%s: %s' % (type(exception).__name__, exception)",
    "print(json.dumps({'version': list(sys.version_info[:3]), 'executable': sys.executable,",
    "    'cacheTag': sys.implementation.cache_tag, 'platform': sysconfig.get_platform(),",
    "    'asyncguide': found, 'importError': error}))",
].join("\n");

/** The probe's command line arguments. */
export function probeArgs(mode: ProbeMode): string[] {
    return ["-c", PROBE_SCRIPT, mode];
}

export interface ProbeResult {
    version: [number, number, number];
    executable: string;
    cacheTag: string;
    platform: string;
    /** Where `asyncguide.server.lsp` is (was imported from, in `import` mode); null when it is not found (or does not import). */
    asyncguide: string | null;
    importError: string | null;
}

/** The probe's answer; undefined when the output is not one (the command is not Python). */
export function parseProbe(stdout: string): ProbeResult | undefined {
    const line = stdout.trim().split(/\r?\n/).pop() ?? "";
    let value: unknown;
    try {
        value = JSON.parse(line);
    } catch {
        return undefined;
    }
    if (typeof value !== "object" || value === null) {
        return undefined;
    }
    const probe = value as Record<string, unknown>;
    const version = probe.version;
    if (!Array.isArray(version) || version.length !== 3 || !version.every((part) => typeof part === "number")) {
        return undefined;
    }
    const text = (field: unknown): string => (typeof field === "string" ? field : "");
    return {
        version: version as [number, number, number],
        executable: text(probe.executable),
        cacheTag: text(probe.cacheTag),
        platform: text(probe.platform),
        asyncguide: typeof probe.asyncguide === "string" ? probe.asyncguide : null,
        importError: typeof probe.importError === "string" ? probe.importError : null,
    };
}

/** What the probe process did: its output, or why it did not run or answer. */
export type ProbeOutcome = { kind: "answered"; stdout: string } | { kind: "failed"; reason: string };

/** Written by the build next to bundled/libs: the Pythons whose compiled extensions (libcst's)
 *  the bundle holds, and for which platform; `native` false when it holds none. */
export interface BundleInfo {
    cacheTags: string[];
    platform: string;
    pythonVersions: string[];
    native: boolean;
}

export type FixAction =
    | "openInterpreterSetting"
    | "openPathSetting"
    | "selectInterpreter"
    | "useFromEnvironment"
    | "useBundled"
    | "installBundledWheel"
    | "showLogs";

export interface Problem {
    message: string;
    actions: FixAction[];
}

export interface AssessmentInput {
    choice: InterpreterChoice | undefined;
    strategy: ImportStrategy;
    probe: ProbeOutcome | undefined;
    /** undefined when the extension holds no bundled server (built without `build:libs`). */
    bundle: BundleInfo | undefined;
    /** The asyncguide wheel bundled with the extension, to install into an interpreter. */
    wheel: string | undefined;
    pythonExtensionInstalled: boolean;
    /** false in Restricted Mode: nothing is installed into an interpreter then. */
    trusted: boolean;
}

/** How to get asyncguide into `python`, in words that work today (asyncguide is not on PyPI yet). */
function installAdvice(python: string, wheel: string | undefined, trusted: boolean): string {
    if (wheel !== undefined && trusted) {
        return `install asyncguide into it from the wheel bundled with this extension (Install asyncguide), or from a source checkout ("${python} -m pip install <checkout>")`;
    }
    return `install asyncguide into it from a source checkout ("${python} -m pip install <checkout>", or a wheel built there by "python -m build")`;
}

/** Why the server cannot start with this interpreter, with the fixes to offer; undefined when it can. */
export function assess(input: AssessmentInput): Problem | undefined {
    const { choice, strategy, probe, bundle } = input;
    const install: FixAction[] = input.wheel !== undefined && input.trusted ? ["installBundledWheel"] : [];
    const chooseAnother: FixAction[] = input.pythonExtensionInstalled
        ? ["selectInterpreter", "openInterpreterSetting"]
        : ["openInterpreterSetting"];
    if (choice === undefined) {
        return {
            message:
                "asyncguide needs Python 3.10 or newer to run its server, and found none: python3 is not on PATH" +
                (input.pythonExtensionInstalled ? " and the Python extension has no interpreter selected" : "") +
                ". Set asyncguide.interpreter to the path of a Python 3.10+ interpreter.",
            actions: chooseAnother,
        };
    }
    const named = `"${choice.command}" (${describeSource(choice)})`;
    if (probe === undefined || probe.kind === "failed") {
        const reason = probe === undefined ? "it did not run" : probe.reason;
        return {
            message: `asyncguide could not run the Python interpreter ${named}: ${reason}. Set asyncguide.interpreter to a Python 3.10+ interpreter.`,
            actions: chooseAnother,
        };
    }
    const result = parseProbe(probe.stdout);
    if (result === undefined) {
        return {
            message: `${named} did not answer like a Python interpreter. Set asyncguide.interpreter to a Python 3.10+ interpreter.`,
            actions: chooseAnother,
        };
    }
    const [major, minor] = result.version;
    if (major < MINIMUM_PYTHON[0] || (major === MINIMUM_PYTHON[0] && minor < MINIMUM_PYTHON[1])) {
        return {
            message: `asyncguide needs Python 3.10 or newer, and ${named} is Python ${result.version.join(".")}. Choose a newer interpreter.`,
            actions: chooseAnother,
        };
    }
    if (strategy === "useBundled") {
        if (bundle === undefined) {
            return {
                message:
                    "This build of the asyncguide extension has no bundled server (bundled/libs is empty): rebuild it with `vscode-extension/build`, " +
                    `or ${installAdvice(choice.command, input.wheel, input.trusted)} and set asyncguide.importStrategy to "fromEnvironment".`,
                actions: [...install, "useFromEnvironment"],
            };
        }
        if (bundle.native && (!bundle.cacheTags.includes(result.cacheTag) || bundle.platform !== result.platform)) {
            return {
                message:
                    `The asyncguide server bundled with this extension runs on Python ${bundle.pythonVersions.join(", ")} (${bundle.platform}), ` +
                    `and ${named} is Python ${result.version.join(".")} (${result.cacheTag}, ${result.platform}). ` +
                    `Choose one of those, or ${installAdvice(choice.command, input.wheel, input.trusted)} and set asyncguide.importStrategy to "fromEnvironment".`,
                actions: input.trusted ? [...install, ...chooseAnother] : chooseAnother,
            };
        }
        if (result.asyncguide === null) {
            return {
                message: `The asyncguide server bundled with this extension does not load in ${named}: ${result.importError ?? "not found"}.`,
                actions: ["showLogs", ...chooseAnother],
            };
        }
        return undefined;
    }
    if (result.asyncguide === null) {
        const missing = result.importError === null || /No module named 'asyncguide/.test(result.importError);
        return {
            message: missing
                ? `asyncguide is not installed in ${named}: ${installAdvice(choice.command, input.wheel, input.trusted)}, or set asyncguide.importStrategy to "useBundled" to run the copy bundled with this extension.`
                : `asyncguide is installed in ${named} but does not load: ${result.importError}. Reinstall it (${installAdvice(choice.command, input.wheel, input.trusted)}), or use the bundled copy.`,
            actions: [...install, "useBundled", ...chooseAnother],
        };
    }
    return undefined;
}

export const ACTION_LABELS: Record<FixAction, string> = {
    openInterpreterSetting: "Open Interpreter Setting",
    openPathSetting: "Open Path Setting",
    installBundledWheel: "Install asyncguide",
    selectInterpreter: "Select Python Interpreter",
    useFromEnvironment: "Use Installed asyncguide",
    useBundled: "Use Bundled asyncguide",
    showLogs: "Show Logs",
};
