// The language client: finds the interpreter, checks it can run the server, starts
// `python -m asyncguide.server.cli serve`, and restarts it when asked.
//
// Start-up is on the way to the first diagnostics of a newly opened window, so the interpreter is
// asked what it is (the probe) once per interpreter, not at every start (`probeCache.ts`), and the
// output channel says how long each part took: the probe, the server's start, the first diagnostics.

import * as os from "node:os";
import * as path from "node:path";

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

import {
    ACTION_LABELS,
    assess,
    chooseInterpreter,
    describeSource,
    pythonExtensionChoice,
    type AssessmentInput,
    type FixAction,
    type Problem,
    type ProbeOutcome,
} from "./interpreter";
import { bundleInfoFile, chooseExecutable, executableLaunch, serverLaunch, type Launch } from "./launch";
import {
    findBundledWheel,
    installWheel,
    isExecutableFile,
    onDidChangePythonInterpreter,
    probeInterpreter,
    pythonExtensionInstalled,
    pythonExtensionInterpreter,
    pythonOnPath,
    readBundleInfo,
} from "./python";
import { ProbeCache, probeKey, probeStamp } from "./probeCache";
import { gaveUpMessage, RestartBudget } from "./restarts";
import { readSettings, SECTION, serverSettings, type ExtensionSettings } from "./settings";
import { insideFolders, pathOutside, restrictForUntrustedWorkspace } from "./trust";

const CLIENT_ID = "asyncguide";
/** Where the workspace state keeps the Python extension's last interpreter (`pythonExtensionInterpreter`). */
const REMEMBERED_INTERPRETER = "pythonExtensionInterpreter";
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

/** What runs the server, and for an interpreter, what to ask it again if the server does not start. */
interface Chosen {
    launch: Launch;
    /** The probe's cache key (an interpreter's). */
    probeKey?: string;
    /** What `assess` was given, but for the probe (an interpreter's). */
    assessment?: Omit<AssessmentInput, "probe">;
}

export class AsyncguideServer implements vscode.Disposable {
    private client: LanguageClient | undefined;
    private readonly probes: ProbeCache;
    /** `Date.now()` when the running server was started, until its first diagnostics arrived. */
    private startedAt: number | undefined;
    /** Whether the server was asked to start: the window has a Python file or project. */
    private wanted = false;
    /** Start and stop run one at a time, in the order asked. */
    private queue: Promise<void> = Promise.resolve();
    /** The last problem shown, so the same one is not shown again at each restart. */
    private shownProblem: string | undefined;
    /** The interpreter the "Install Bundled asyncguide" action installs into. */
    private pendingInstall: string | undefined;
    private readonly disposables: vscode.Disposable[] = [];

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly log: vscode.LogOutputChannel,
        /** `Date.now()` when the extension was activated. */
        private readonly activatedAt: number,
    ) {
        this.probes = new ProbeCache(path.join(context.globalStorageUri.fsPath, "probes.json"));
    }

    async watchPythonExtension(): Promise<void> {
        try {
            this.disposables.push(await onDidChangePythonInterpreter(() => void this.restart("the Python extension's interpreter changed")));
        } catch (error) {
            this.log.warn(`Interpreter changes in the Python extension are not followed: ${String(error)}`);
        }
    }

    start(): Promise<void> {
        this.wanted = true;
        return this.enqueue(() => this.startNow());
    }

    /** A new server process. `userAsked`: show a problem again even if it was shown before (a
     *  restart caused by a settings or interpreter event keeps quiet about a known problem).
     *  Before the first `start` (no Python file opened yet) there is nothing to restart. */
    restart(reason: string, userAsked = false): Promise<void> {
        if (!this.wanted) {
            return Promise.resolve();
        }
        return this.enqueue(async () => {
            this.log.info(`Restarting the server: ${reason}.`);
            if (userAsked) {
                this.shownProblem = undefined;
            }
            await this.stopNow();
            await this.startNow();
        });
    }

    /** Tells the running server the settings changed: it asks for each folder's (`workspace/configuration`). */
    async notifySettingsChanged(): Promise<void> {
        const client = this.client;
        if (client === undefined || !client.isRunning()) {
            return;
        }
        this.log.info("Settings changed; the server asks for them.");
        await client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
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
        const chosen = await this.chooseLaunch();
        if (chosen === undefined) {
            return;
        }
        const { launch } = chosen;
        const extensionPath = this.context.extensionPath;
        const serverOptions: ServerOptions = {
            command: launch.command,
            args: launch.args,
            options: { env: launch.env, cwd: extensionPath },
        };
        const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, this.clientOptions());
        this.client = client;
        const started = Date.now();
        this.startedAt = started;
        try {
            await client.start();
            this.shownProblem = undefined;
            this.log.info(`The server is running (started and initialized in ${Date.now() - started} ms).`);
        } catch (error) {
            this.client = undefined;
            this.startedAt = undefined;
            this.showProblem(
                (await this.diagnose(chosen)) ?? {
                    message: `The asyncguide server did not start: ${String(error)}. Its log is in the Output panel (asyncguide).`,
                    actions: ["showLogs"],
                },
            );
        }
    }

    /** Why the server did not start, when the interpreter can say. The probe's answer may be from
     *  before the environment changed: it is forgotten, and the interpreter asked again, importing
     *  the server this time. */
    private async diagnose(chosen: Chosen): Promise<Problem | undefined> {
        if (chosen.probeKey !== undefined) {
            this.probes.forget(chosen.probeKey);
        }
        if (chosen.assessment === undefined) {
            return undefined;
        }
        const probe = await probeInterpreter(chosen.launch, this.context.extensionPath, "import");
        const problem = assess({ ...chosen.assessment, probe });
        if (problem !== undefined) {
            this.pendingInstall = chosen.launch.command;
        }
        return problem;
    }

    /** The probe's answer: the cached one when this interpreter was asked before and neither it nor
     *  the bundle changed since, else asked now; `remember` keeps an answer asked now. */
    private async probe(launch: Launch, key: string): Promise<{ outcome: ProbeOutcome; remember: () => void }> {
        const stamp = probeStamp(launch.command, bundleInfoFile(this.context.extensionPath));
        const cached = stamp && this.probes.get(key, stamp);
        if (cached !== undefined) {
            this.log.info(`Probe (cached): ${cached.trim()}`);
            return { outcome: { kind: "answered", stdout: cached }, remember: () => undefined };
        }
        const started = Date.now();
        const outcome = await probeInterpreter(launch, this.context.extensionPath, "find");
        if (outcome.kind === "answered") {
            this.log.info(`Probe (${Date.now() - started} ms): ${outcome.stdout.trim()}`);
        }
        const remember = (): void => {
            if (stamp !== undefined && outcome.kind === "answered") {
                this.probes.set(key, stamp, outcome.stdout);
            }
        };
        return { outcome, remember };
    }

    /** Logs, once per server start, when its first diagnostics arrived. */
    private noteDiagnostics(uri: vscode.Uri): void {
        if (this.startedAt === undefined) {
            return;
        }
        const now = Date.now();
        this.log.info(
            `First diagnostics (${path.basename(uri.fsPath)}): ${now - this.startedAt} ms after the server was started, ` +
                `${now - this.activatedAt} ms after the extension was activated.`,
        );
        this.startedAt = undefined;
    }

    /** What runs the server: an `asyncguide.path` executable, else the chosen interpreter once
     *  the probe says it can; undefined (the problem shown) when nothing can. In an untrusted
     *  workspace only what the workspace cannot choose (`trust.ts`). */
    private async chooseLaunch(): Promise<Chosen | undefined> {
        const scope = settingsScope();
        const trusted = vscode.workspace.isTrusted;
        const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
        let settings = currentSettings(scope);
        if (!trusted) {
            const restricted = restrictForUntrustedWorkspace(settings, folders);
            settings = restricted.settings;
            this.log.info(
                "Restricted Mode: the bundled server runs on a Python interpreter outside the workspace" +
                    (restricted.ignored.length > 0 ? `; ignored: ${restricted.ignored.join(", ")}.` : "."),
            );
        }
        const extensionPath = this.context.extensionPath;
        if (settings.path.length > 0) {
            const executable = chooseExecutable(settings.path, isExecutableFile);
            if (executable === undefined) {
                this.showProblem({
                    message: `None of the asyncguide executables in asyncguide.path exists: ${settings.path.join(", ")}. Fix the setting, or empty it to run the bundled server.`,
                    actions: ["openPathSetting"],
                });
                return undefined;
            }
            this.log.info(`Server: ${executable} serve (asyncguide.path).`);
            return { launch: executableLaunch(executable, process.env) };
        }
        const extensionInstalled = pythonExtensionInstalled();
        let fromExtension = settings.interpreter === "" && extensionInstalled ? await this.pythonExtensionInterpreter(scope?.uri) : undefined;
        if (!trusted && fromExtension !== undefined && insideFolders(fromExtension, folders)) {
            this.log.info(`Restricted Mode: the Python extension's interpreter ${fromExtension} is inside the workspace; not used.`);
            fromExtension = undefined;
        }
        const choice = chooseInterpreter(settings.interpreter, fromExtension, pythonOnPath(trusted ? process.env.PATH : pathOutside(process.env.PATH, folders)));
        const launch = choice && serverLaunch(choice.command, settings.importStrategy, extensionPath, process.env);
        if (choice !== undefined) {
            this.log.info(`Interpreter: ${choice.command} (${describeSource(choice)}); asyncguide: ${settings.importStrategy}.`);
        }
        const assessment = {
            choice,
            strategy: settings.importStrategy,
            bundle: readBundleInfo(bundleInfoFile(extensionPath)),
            wheel: findBundledWheel(extensionPath),
            pythonExtensionInstalled: extensionInstalled,
            trusted,
        };
        const key = launch && probeKey(launch.command, settings.importStrategy, extensionPath);
        const probed = launch && key !== undefined ? await this.probe(launch, key) : undefined;
        const problem = assess({ ...assessment, probe: probed?.outcome });
        if (problem !== undefined) {
            this.pendingInstall = choice?.command;
            this.showProblem(problem);
            return undefined;
        }
        probed?.remember();
        // (without an interpreter, assess has reported the problem)
        return launch && { launch, probeKey: key, assessment };
    }

    /** The Python extension's interpreter for `resource`; in a fresh window, the one it gave the
     *  last time this workspace was open, while the extension starts (`pythonExtensionChoice`). */
    private async pythonExtensionInterpreter(resource: vscode.Uri | undefined): Promise<string | undefined> {
        const state = this.context.workspaceState;
        const remembered = state.get<string>(REMEMBERED_INTERPRETER);
        const interpreter = await pythonExtensionChoice(
            remembered,
            isExecutableFile,
            async () => {
                const answer = await pythonExtensionInterpreter(resource, this.log);
                await state.update(REMEMBERED_INTERPRETER, answer);
                return answer;
            },
            (answer) => void this.restart(`the Python extension's interpreter is ${answer ?? "none"}, not the one it gave last time`),
        );
        if (remembered !== undefined && interpreter === remembered) {
            this.log.info(`The Python extension's interpreter the last time this workspace was open: ${remembered}; the extension is asked again meanwhile.`);
        }
        return interpreter;
    }

    private clientOptions(): LanguageClientOptions {
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
            initializationOptions: currentSettings(settingsScope()).server,
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
                // the first diagnostics of each server start, pulled or pushed, are logged (`noteDiagnostics`)
                provideDiagnostics: async (document, previousResultId, token, next) => {
                    const report = await next(document, previousResultId, token);
                    this.noteDiagnostics(document instanceof vscode.Uri ? document : document.uri);
                    return report;
                },
                handleDiagnostics: (uri, diagnostics, next) => {
                    next(uri, diagnostics);
                    this.noteDiagnostics(uri);
                },
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
                            // each workspace folder's own settings (the server asks per folder)
                            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
                            const folder = scope && vscode.workspace.getWorkspaceFolder(scope);
                            return serverSettings(vscode.workspace.getConfiguration(SECTION, scope), {
                                workspaceFolder: folder?.uri.fsPath,
                                userHome: os.homedir(),
                            });
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

    /** `python -m pip install <the wheel bundled with the extension>` into the interpreter the
     *  problem was about, then a restart with `fromEnvironment`. */
    private async installBundledWheel(): Promise<void> {
        const wheel = findBundledWheel(this.context.extensionPath);
        const python = this.pendingInstall;
        if (wheel === undefined || python === undefined) {
            return;
        }
        this.log.info(`Installing ${wheel} into ${python}.`);
        const outcome = await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Installing asyncguide into ${python}` },
            () => installWheel(python, wheel),
        );
        if (outcome.kind === "failed") {
            this.showProblem({ message: `Installing asyncguide into "${python}" failed: ${outcome.reason}`, actions: ["showLogs"] });
            return;
        }
        this.log.info(outcome.stdout.trim());
        const configuration = vscode.workspace.getConfiguration(SECTION, settingsScope());
        await configuration.update("importStrategy", "fromEnvironment", settingsScope() ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
        await this.restart("asyncguide was installed into the interpreter", true);
    }

    private async fix(action: FixAction): Promise<void> {
        const configuration = vscode.workspace.getConfiguration(SECTION, settingsScope());
        const target = settingsScope() ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
        switch (action) {
            case "openInterpreterSetting":
                await vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.interpreter`);
                break;
            case "openPathSetting":
                await vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.path`);
                break;
            case "installBundledWheel":
                await this.installBundledWheel();
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
