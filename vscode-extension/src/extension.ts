// Entry point: one asyncguide server per window, restarted on demand, on a change of interpreter,
// executable or import strategy, when the workspace folders change, and when the workspace is
// trusted (Restricted Mode runs only the bundled server).

import * as vscode from "vscode";

import { AsyncguideServer } from "./common/server";
import { classifyChange } from "./common/settings";

/** The server's "fix all" code action kind (server/lsp/code_actions.py). */
const FIX_ALL_KIND = "source.fixAll.asyncguide";

let server: AsyncguideServer | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
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
    // the server starts at once; following the Python extension's interpreter can wait for that extension
    await Promise.all([running.start(), running.watchPythonExtension()]);
}

export async function deactivate(): Promise<void> {
    const stopping = server?.stop();
    server = undefined;
    await stopping;
}
