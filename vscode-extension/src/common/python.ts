// Where Python comes from: the Python extension (when installed), PATH, and the probe that asks an
// interpreter what it is. The decisions themselves are in interpreter.ts.

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

import { PythonExtension } from "@vscode/python-extension";
import * as vscode from "vscode";

import { findOnPath, probeArgs, pythonNames, type BundleInfo, type ProbeMode, type ProbeOutcome } from "./interpreter";
import type { Launch } from "./launch";

const PYTHON_EXTENSION_ID = "ms-python.python";
const PROBE_TIMEOUT_MS = 20_000;

export function pythonExtensionInstalled(): boolean {
    return vscode.extensions.getExtension(PYTHON_EXTENSION_ID) !== undefined;
}

/** The Python extension's interpreter for `resource`; undefined without that extension. */
export async function pythonExtensionInterpreter(
    resource: vscode.Uri | undefined,
    log: vscode.LogOutputChannel,
): Promise<string | undefined> {
    if (!pythonExtensionInstalled()) {
        return undefined;
    }
    try {
        const api = await PythonExtension.api();
        const environment = await api.environments.resolveEnvironment(api.environments.getActiveEnvironmentPath(resource));
        return environment?.executable.uri?.fsPath;
    } catch (error) {
        log.warn(`The Python extension did not give an interpreter: ${String(error)}`);
        return undefined;
    }
}

/** Calls `listener` when the Python extension's interpreter changes; nothing without that extension. */
export async function onDidChangePythonInterpreter(listener: () => void): Promise<vscode.Disposable> {
    if (!pythonExtensionInstalled()) {
        return new vscode.Disposable(() => undefined);
    }
    const api = await PythonExtension.api();
    return api.environments.onDidChangeActiveEnvironmentPath(() => listener());
}

export function isExecutableFile(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/** `python3` on `searchPath` (default: PATH). */
export function pythonOnPath(searchPath: string | undefined = process.env.PATH): string | undefined {
    return findOnPath(pythonNames(process.platform), searchPath, process.platform, isExecutableFile, process.env.PATHEXT);
}

/** Runs the probe with the environment the server would get. */
export function probeInterpreter(launch: Launch, cwd: string, mode: ProbeMode): Promise<ProbeOutcome> {
    return new Promise((resolve) => {
        execFile(
            launch.command,
            probeArgs(mode),
            { env: launch.env, cwd, timeout: PROBE_TIMEOUT_MS, windowsHide: true },
            (error, stdout, stderr) => {
                if (error !== null) {
                    const detail = stderr.trim().split(/\r?\n/).pop();
                    resolve({ kind: "failed", reason: detail ? `${error.message.split("\n")[0]} (${detail})` : error.message.split("\n")[0] });
                } else {
                    resolve({ kind: "answered", stdout });
                }
            },
        );
    });
}

/** The asyncguide wheel the build puts in bundled/wheels (`python -m build`), if any. */
export function findBundledWheel(extensionPath: string): string | undefined {
    const folder = path.join(extensionPath, "bundled", "wheels");
    try {
        const wheel = fs.readdirSync(folder).find((name) => /^asyncguide-.*\.whl$/.test(name));
        return wheel === undefined ? undefined : path.join(folder, wheel);
    } catch {
        return undefined;
    }
}

const INSTALL_TIMEOUT_MS = 300_000;

/** `python -m pip install <wheel>`: what pip said, or why it failed. */
export function installWheel(python: string, wheel: string): Promise<ProbeOutcome> {
    return new Promise((resolve) => {
        execFile(python, ["-m", "pip", "install", wheel], { timeout: INSTALL_TIMEOUT_MS, windowsHide: true }, (error, stdout, stderr) => {
            if (error !== null) {
                const detail = stderr.trim().split(/\r?\n/).pop();
                resolve({ kind: "failed", reason: detail ? `${error.message.split("\n")[0]} (${detail})` : error.message.split("\n")[0] });
            } else {
                resolve({ kind: "answered", stdout });
            }
        });
    });
}

export function readBundleInfo(file: string): BundleInfo | undefined {
    try {
        return JSON.parse(fs.readFileSync(file, "utf-8")) as BundleInfo;
    } catch {
        return undefined;
    }
}
