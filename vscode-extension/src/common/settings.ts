// The extension's settings, read from VS Code's `asyncguide` section, and the part of them the
// server understands. Pure: VS Code is reached through the small `ConfigurationReader` interface,
// so the mapping is unit-tested without VS Code.

export type ImportStrategy = "useBundled" | "fromEnvironment";
export const IMPORT_STRATEGIES: readonly ImportStrategy[] = ["useBundled", "fromEnvironment"];

/** The configuration section, shared with the server (`workspace/configuration` asks for it). */
export const SECTION = "asyncguide";

/** Settings the server reads (server/lsp/settings.py), by their camelCase names. */
export const SERVER_SETTING_KEYS = [
    "enable",
    "select",
    "extendSelect",
    "ignore",
    "exclude",
    "configuration",
    "unsafeFixes",
    "debounceMs",
    "showSyntaxErrors",
    "configurationPreference",
    "diagnosticMode",
    "logLevel",
    "codeAction",
    "codeLens",
] as const;
export type ServerSettingKey = (typeof SERVER_SETTING_KEYS)[number];

/** Settings that decide which process runs: changing one restarts the server. */
export const LAUNCH_SETTING_KEYS = ["interpreter", "path", "importStrategy"] as const;

/** What the server receives, as `initializationOptions` and as the `asyncguide` section. Values
 *  are passed as the user wrote them: the server validates them and names an invalid one. */
export type ServerSettings = Partial<Record<ServerSettingKey, unknown>>;

export interface ExtensionSettings {
    /** The interpreter the user configured, variables expanded; "" when none. */
    interpreter: string;
    /** `asyncguide` executables to run instead, variables expanded; the first that exists wins. */
    path: string[];
    importStrategy: ImportStrategy;
    server: ServerSettings;
}

/** The subset of `vscode.WorkspaceConfiguration` this module needs. */
export interface ConfigurationReader {
    get<T>(key: string): T | undefined;
}

/** What `${...}` variables in a setting expand to. */
export interface Variables {
    workspaceFolder?: string;
    userHome: string;
}

export function readSettings(config: ConfigurationReader, variables: Variables): ExtensionSettings {
    const interpreter = config.get<unknown>("interpreter");
    const executables = config.get<unknown>("path");
    const strategy = config.get<unknown>("importStrategy");
    return {
        interpreter: typeof interpreter === "string" ? expandVariables(interpreter.trim(), variables) : "",
        path: Array.isArray(executables)
            ? executables.filter((item): item is string => typeof item === "string" && item.trim() !== "").map((item) => expandVariables(item.trim(), variables))
            : [],
        importStrategy: IMPORT_STRATEGIES.includes(strategy as ImportStrategy) ? (strategy as ImportStrategy) : "useBundled",
        server: serverSettings(config, variables),
    };
}

/** The server's settings that are set: `null` (VS Code's default for select, ignore and
 *  unsafeFixes) and unset values are left out, so `pyproject.toml` decides them. Variables in
 *  `configuration` (a file path) are expanded; the server takes a relative one from the folder. */
export function serverSettings(config: ConfigurationReader, variables: Variables): ServerSettings {
    const settings: ServerSettings = {};
    for (const key of SERVER_SETTING_KEYS) {
        const value = config.get<unknown>(key);
        if (value !== null && value !== undefined) {
            settings[key] = key === "configuration" && typeof value === "string" ? expandVariables(value.trim(), variables) : value;
        }
    }
    return settings;
}

/** `${workspaceFolder}`, `${userHome}` and a leading `~` expanded; a `${workspaceFolder}` without
 *  a workspace folder is left as it is, so the error message shows what was configured. */
export function expandVariables(value: string, variables: Variables): string {
    let expanded = value;
    if (expanded === "~" || expanded.startsWith("~/") || expanded.startsWith("~\\")) {
        expanded = variables.userHome + expanded.slice(1);
    }
    expanded = expanded.replace(/\$\{userHome\}/g, variables.userHome);
    if (variables.workspaceFolder !== undefined) {
        expanded = expanded.replace(/\$\{workspaceFolder\}/g, variables.workspaceFolder);
    }
    return expanded;
}

/** The subset of `vscode.ConfigurationChangeEvent` this module needs. */
export interface ChangeEvent {
    affectsConfiguration(section: string): boolean;
}

export type SettingsChange = "restart" | "notify" | "none";

/** A change of the interpreter or import strategy needs a new server process; a change of the
 *  server's own settings is sent to the running one. */
export function classifyChange(event: ChangeEvent): SettingsChange {
    if (LAUNCH_SETTING_KEYS.some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
        return "restart";
    }
    if (SERVER_SETTING_KEYS.some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
        return "notify";
    }
    return "none";
}
