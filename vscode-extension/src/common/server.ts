// The language client: finds the interpreter, checks it can run the server, starts
// `python -m asyncguide.server.cli serve`, and restarts it when asked.

import * as os from "node:os";

import * as vscode from "vscode";
import {
    CloseAction,
    DidChangeConfigurationNotification,
    ErrorAction,
    LanguageClient,
    type ConfigurationParams,
    type LanguageClientOptions,
    ResponseError,
    type ServerOptions,
} from "vscode-languageclient/node";

import { ACTION_LABELS, assess, chooseInterpreter, describeSource, type FixAction, type Problem } from "./interpreter";
import { bundleInfoFile, serverLaunch } from "./launch";
import {
    onDidChangePythonInterpreter,
    probeInterpreter,
    pythonExtensionInstalled,
    pythonExtensionInterpreter,
    pythonOnPath,
    readBundleInfo,
} from "./python";
import { gaveUpMessage, RestartBudget } from "./restarts";
import { readSettings, SECTION, serverSettings, type ExtensionSettings } from "./settings";

const CLIENT_ID = "asyncguide";
const CLIENT_NAME = "asyncguide";

/** The folder whose settings the server runs with: the first workspace folder, if any. */
function settingsScope(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
}

function currentSettings(scope: vscode.WorkspaceFolder | undefined): ExtensionSettings {
    return readSettings(vscode.workspace.getConfiguration(SECTION, scope), {
        workspaceFolder: scope?.uri.fsPath,
        userHome: os.homedir(),
    });
}

export class AsyncguideServer implements vscode.Disposable {
    private client: LanguageClient | undefined;
    /** Start and stop run one at a time, in the order asked. */
    private queue: Promise<void> = Promise.resolve();
    /** The last problem shown, so the same one is not shown again at each restart. */
    private shownProblem: string | undefined;
    private readonly disposables: vscode.Disposable[] = [];

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly log: vscode.LogOutputChannel,
    ) {}

    async watchPythonExtension(): Promise<void> {
        try {
            this.disposables.push(await onDidChangePythonInterpreter(() => void this.restart("the Python extension's interpreter changed")));
        } catch (error) {
            this.log.warn(`Interpreter changes in the Python extension are not followed: ${String(error)}`);
        }
    }

    start(): Promise<void> {
        return this.enqueue(() => this.startNow());
    }

    /** A new server process. `userAsked`: show a problem again even if it was shown before (a
     *  restart caused by a settings or interpreter event keeps quiet about a known problem). */
    restart(reason: string, userAsked = false): Promise<void> {
        return this.enqueue(async () => {
            this.log.info(`Restarting the server: ${reason}.`);
            if (userAsked) {
                this.shownProblem = undefined;
            }
            await this.stopNow();
            await this.startNow();
        });
    }

    /** Sends the server's settings to the running server (it also asks for them itself). */
    async notifySettingsChanged(): Promise<void> {
        const client = this.client;
        if (client === undefined || !client.isRunning()) {
            return;
        }
        const settings = currentSettings(settingsScope()).server;
        this.log.info(`Settings changed: ${JSON.stringify(settings)}`);
        await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: settings } });
    }

    stop(): Promise<void> {
        return this.enqueue(() => this.stopNow());
    }

    dispose(): void {
        for (const disposable of this.disposables.splice(0)) {
            disposable.dispose();
        }
        void this.stop();
    }

    private enqueue(work: () => Promise<void>): Promise<void> {
        this.queue = this.queue.then(work, work).catch((error: unknown) => {
            this.log.error(`The server could not be started: ${String(error)}`);
        });
        return this.queue;
    }

    private async startNow(): Promise<void> {
        const scope = settingsScope();
        const settings = currentSettings(scope);
        const extensionInstalled = pythonExtensionInstalled();
        const choice = chooseInterpreter(
            settings.interpreter,
            settings.interpreter === "" ? await pythonExtensionInterpreter(scope?.uri, this.log) : undefined,
            pythonOnPath(),
        );
        const extensionPath = this.context.extensionPath;
        const launch = choice && serverLaunch(choice.command, settings.importStrategy, extensionPath, process.env);
        if (choice !== undefined) {
            this.log.info(`Interpreter: ${choice.command} (${describeSource(choice)}); asyncguide: ${settings.importStrategy}.`);
        }
        const probe = launch && (await probeInterpreter(launch, extensionPath));
        const problem = assess({
            choice,
            strategy: settings.importStrategy,
            probe,
            bundle: readBundleInfo(bundleInfoFile(extensionPath)),
            pythonExtensionInstalled: extensionInstalled,
        });
        if (problem !== undefined || launch === undefined) {
            if (problem !== undefined) {
                this.showProblem(problem);
            }
            return;
        }
        if (probe?.kind === "answered") {
            this.log.info(`Probe: ${probe.stdout.trim()}`);
        }
        const serverOptions: ServerOptions = {
            command: launch.command,
            args: launch.args,
            options: { env: launch.env, cwd: extensionPath },
        };
        const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, this.clientOptions(settings));
        this.client = client;
        try {
            await client.start();
            this.shownProblem = undefined;
            this.log.info("The server is running.");
        } catch (error) {
            this.client = undefined;
            this.showProblem({
                message: `The asyncguide server did not start: ${String(error)}. Its log is in the Output panel (asyncguide).`,
                actions: ["showLogs"],
            });
        }
    }

    private clientOptions(settings: ExtensionSettings): LanguageClientOptions {
        const budget = new RestartBudget();
        return {
            documentSelector: [
                { scheme: "file", language: "python" },
                { scheme: "untitled", language: "python" },
                // Python cells of notebooks, which the server syncs (notebookDocumentSync): hovers and
                // code actions on them are asked for only when the selector names their scheme
                { scheme: "vscode-notebook-cell", language: "python" },
            ],
            outputChannel: this.log,
            initializationOptions: settings.server,
            errorHandler: {
                error: (_error, _message, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
                closed: () => {
                    if (budget.allow()) {
                        this.log.warn("The server stopped unexpectedly; starting it again.");
                        return { action: CloseAction.Restart, handled: true };
                    }
                    this.showProblem({ message: gaveUpMessage(budget), actions: ["showLogs"] });
                    return { action: CloseAction.DoNotRestart, handled: true };
                },
            },
            middleware: {
                workspace: {
                    // Answer `workspace/configuration` for our section with the server's settings only,
                    // as they are mapped for initializationOptions (nulls left out).
                    configuration: async (params: ConfigurationParams, token, next) => {
                        const answers: unknown[] | ResponseError<void> = await next(params, token);
                        if (answers instanceof ResponseError) {
                            return answers;
                        }
                        const mapped: unknown[] = params.items.map((item, index) => {
                            if (item.section !== SECTION) {
                                return answers[index];
                            }
                            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : settingsScope();
                            return serverSettings(vscode.workspace.getConfiguration(SECTION, scope));
                        });
                        return mapped;
                    },
                },
            },
        };
    }

    private async stopNow(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (client !== undefined) {
            try {
                await client.stop();
            } catch (error) {
                this.log.warn(`The server did not stop cleanly: ${String(error)}`);
            }
        }
    }

    private showProblem(problem: Problem): void {
        this.log.error(problem.message);
        if (this.shownProblem === problem.message) {
            return;
        }
        this.shownProblem = problem.message;
        const labels = problem.actions.map((action) => ACTION_LABELS[action]);
        void vscode.window.showErrorMessage(problem.message, ...labels).then((picked) => {
            const action = problem.actions.find((candidate) => ACTION_LABELS[candidate] === picked);
            if (action !== undefined) {
                void this.fix(action);
            }
        });
    }

    private async fix(action: FixAction): Promise<void> {
        const configuration = vscode.workspace.getConfiguration(SECTION, settingsScope());
        const target = settingsScope() ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
        switch (action) {
            case "openInterpreterSetting":
                await vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.interpreter`);
                break;
            case "selectInterpreter":
                await vscode.commands.executeCommand("python.setInterpreter");
                break;
            case "useFromEnvironment":
                await configuration.update("importStrategy", "fromEnvironment", target);
                break;
            case "useBundled":
                await configuration.update("importStrategy", "useBundled", target);
                break;
            case "showLogs":
                this.log.show();
                break;
        }
    }
}
