// Entry point: one asyncguide server per window, started as the window opens on a Python project
// or with the first Python file, restarted on demand, on a change of interpreter, executable or
// import strategy, when the workspace folders change, and when the workspace is trusted
// (Restricted Mode runs only the bundled server).

import * as vscode from "vscode";

import { looksLikePythonProject } from "./common/pythonProject";
import { AsyncguideServer } from "./common/server";
import { classifyChange } from "./common/settings";

/** The server's "fix all" code action kind (server/lsp/code_actions.py). */
const FIX_ALL_KIND = "source.fixAll.asyncguide";

let server: AsyncguideServer | undefined;

export function activate(context: vscode.ExtensionContext): void {
    const activatedAt = Date.now();
    const log = vscode.window.createOutputChannel("asyncguide", { log: true });
    server = new AsyncguideServer(context, log, activatedAt);
    const running = server;
    context.subscriptions.push(
        log,
        running,
        vscode.commands.registerCommand("asyncguide.restart", () => running.restart("the restart command", true)),
        vscode.commands.registerCommand("asyncguide.showLogs", () => log.show()),
        vscode.commands.registerCommand("asyncguide.fixAll", () =>
            vscode.commands.executeCommand("editor.action.sourceAction", { kind: FIX_ALL_KIND, apply: "first" }),
        ),
        vscode.workspace.onDidGrantWorkspaceTrust(() => void running.restart("the workspace is trusted now")),
        vscode.workspace.onDidChangeConfiguration((event) => {
            switch (classifyChange(event)) {
                case "restart":
                    void running.restart("the interpreter or import strategy changed");
                    break;
                case "notify":
                    void running.notifySettingsChanged();
                    break;
                case "none":
                    break;
            }
        }),
        vscode.workspace.onDidChangeWorkspaceFolders(() => void running.restart("the workspace folders changed")),
    );
    // Not awaited: VS Code activates the extensions that wait for its start-up (onStartupFinished)
    // only once those activated with the window have returned, and the server's start takes a
    // while. Following the Python extension's interpreter can wait for that extension.
    startWhenPython(running, log, context.subscriptions).catch((error: unknown) => log.error(`The server could not be started: ${String(error)}`));
    void running.watchPythonExtension();
}

const isPythonNotebook = (notebook: vscode.NotebookDocument): boolean => notebook.notebookType === "jupyter-notebook";

/** Starts the server at once when a Python file or notebook is open, or when a workspace folder is
 *  a Python project (`pythonProject.ts`): VS Code activates the extension once it has started
 *  (`onStartupFinished`), so the server is up before the first file is opened. In any other
 *  window, it starts when the first Python file or notebook opens. */
async function startWhenPython(running: AsyncguideServer, log: vscode.LogOutputChannel, subscriptions: vscode.Disposable[]): Promise<void> {
    if (vscode.workspace.textDocuments.some((document) => document.languageId === "python") || vscode.workspace.notebookDocuments.some(isPythonNotebook)) {
        return running.start();
    }
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === "file");
    const projects = await Promise.all(folders.map((folder) => looksLikePythonProject(folder.uri.fsPath)));
    if (projects.some(Boolean)) {
        log.info("A workspace folder is a Python project: the server starts before a Python file is opened.");
        return running.start();
    }
    log.info("No Python project in the workspace: the server starts when a Python file is opened.");
    const opened: vscode.Disposable[] = [];
    const startOnce = (): void => {
        for (const listener of opened.splice(0)) {
            listener.dispose();
        }
        void running.start();
    };
    opened.push(
        vscode.workspace.onDidOpenTextDocument((document) => {
            if (document.languageId === "python") {
                startOnce();
            }
        }),
        vscode.workspace.onDidOpenNotebookDocument((notebook) => {
            if (isPythonNotebook(notebook)) {
                startOnce();
            }
        }),
    );
    subscriptions.push(...opened);
}

export async function deactivate(): Promise<void> {
    const stopping = server?.stop();
    server = undefined;
    await stopping;
}
