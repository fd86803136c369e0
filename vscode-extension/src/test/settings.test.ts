import * as assert from "node:assert/strict";
import { describe, it } from "node:test";

import { classifyChange, expandVariables, readSettings, serverSettings, type ConfigurationReader } from "../common/settings";

function reader(values: Record<string, unknown>): ConfigurationReader {
    return { get: <T>(key: string) => values[key] as T | undefined };
}

const variables = { workspaceFolder: "/work/app", userHome: "/home/dev" };

// What VS Code returns for an untouched `asyncguide` section (package.json's defaults).
const DEFAULTS = {
    interpreter: "",
    importStrategy: "useBundled",
    select: null,
    ignore: null,
    unsafeFixes: null,
    debounceMs: 150,
    showSyntaxErrors: false,
    configurationPreference: "editorFirst",
    diagnosticMode: "openFilesOnly",
};

describe("server settings", () => {
    it("leave out what is unset, so pyproject.toml decides select, ignore and unsafeFixes", () => {
        assert.deepEqual(serverSettings(reader(DEFAULTS), variables), {
            debounceMs: 150,
            showSyntaxErrors: false,
            configurationPreference: "editorFirst",
            diagnosticMode: "openFilesOnly",
        });
    });

    it("carry every server setting the user sets, by the server's names", () => {
        const settings = serverSettings(
            reader({
                ...DEFAULTS,
                select: ["ASY", "STA"],
                ignore: ["ASY121"],
                unsafeFixes: true,
                debounceMs: 0,
                showSyntaxErrors: true,
                configurationPreference: "filesystemFirst",
                diagnosticMode: "workspace",
                enable: false,
                extendSelect: ["TOR"],
                exclude: ["migrations/*"],
                configuration: "${workspaceFolder}/tools/asyncguide.toml",
                logLevel: "debug",
                codeAction: { fixViolation: { enable: false }, disableRuleComment: { enable: true } },
                codeLens: { enable: false },
            }),
            variables,
        );
        assert.deepEqual(settings, {
            select: ["ASY", "STA"],
            ignore: ["ASY121"],
            unsafeFixes: true,
            debounceMs: 0,
            showSyntaxErrors: true,
            configurationPreference: "filesystemFirst",
            diagnosticMode: "workspace",
            enable: false,
            extendSelect: ["TOR"],
            exclude: ["migrations/*"],
            configuration: "/work/app/tools/asyncguide.toml",
            logLevel: "debug",
            codeAction: { fixViolation: { enable: false }, disableRuleComment: { enable: true } },
            codeLens: { enable: false },
        });
    });

    it("keep the extension's own settings to the extension", () => {
        const settings = serverSettings(reader({ ...DEFAULTS, interpreter: "/usr/bin/python3", importStrategy: "fromEnvironment" }), variables);
        assert.equal("interpreter" in settings, false);
        assert.equal("importStrategy" in settings, false);
    });

    it("pass an invalid value on as written, for the server to name it", () => {
        assert.deepEqual(serverSettings(reader({ debounceMs: "soon" }), variables), { debounceMs: "soon" });
    });

    it("treat an empty select as a selection of nothing, not as unset", () => {
        assert.deepEqual(serverSettings(reader({ select: [] }), variables), { select: [] });
    });
});

describe("extension settings", () => {
    it("default to the bundled asyncguide and no interpreter of their own", () => {
        const settings = readSettings(reader(DEFAULTS), variables);
        assert.equal(settings.interpreter, "");
        assert.equal(settings.importStrategy, "useBundled");
    });

    it("expand variables in the interpreter path", () => {
        const settings = readSettings(reader({ ...DEFAULTS, interpreter: " ${workspaceFolder}/.venv/bin/python " }), variables);
        assert.equal(settings.interpreter, "/work/app/.venv/bin/python");
    });

    it("expand variables in the asyncguide executables and drop empty ones", () => {
        const settings = readSettings(reader({ ...DEFAULTS, path: ["${workspaceFolder}/.venv/bin/asyncguide", " ", 3] }), variables);
        assert.deepEqual(settings.path, ["/work/app/.venv/bin/asyncguide"]);
        assert.deepEqual(readSettings(reader(DEFAULTS), variables).path, []);
    });

    it("fall back to useBundled for an unknown import strategy", () => {
        assert.equal(readSettings(reader({ importStrategy: "fromTheMoon" }), variables).importStrategy, "useBundled");
        assert.equal(readSettings(reader({ importStrategy: "fromEnvironment" }), variables).importStrategy, "fromEnvironment");
    });
});

describe("expandVariables", () => {
    it("expands ~, ${userHome} and ${workspaceFolder}", () => {
        assert.equal(expandVariables("~/venvs/web/bin/python", variables), "/home/dev/venvs/web/bin/python");
        assert.equal(expandVariables("${userHome}/bin/python", variables), "/home/dev/bin/python");
        assert.equal(expandVariables("${workspaceFolder}/a/${workspaceFolder}", variables), "/work/app/a//work/app");
    });

    it("leaves ${workspaceFolder} as written when there is no folder", () => {
        assert.equal(expandVariables("${workspaceFolder}/.venv/bin/python", { userHome: "/h" }), "${workspaceFolder}/.venv/bin/python");
    });

    it("leaves a ~ inside a path alone", () => {
        assert.equal(expandVariables("/opt/py~3/bin/python", variables), "/opt/py~3/bin/python");
    });
});

describe("classifyChange", () => {
    const changed = (...sections: string[]) => ({ affectsConfiguration: (section: string) => sections.includes(section) });

    it("restarts the server for the interpreter, the executable and the import strategy", () => {
        assert.equal(classifyChange(changed("asyncguide.interpreter")), "restart");
        assert.equal(classifyChange(changed("asyncguide.path")), "restart");
        assert.equal(classifyChange(changed("asyncguide.importStrategy", "asyncguide.select")), "restart");
    });

    it("sends the server's own settings to the running server", () => {
        for (const key of ["select", "ignore", "unsafeFixes", "debounceMs", "showSyntaxErrors", "configurationPreference", "enable", "extendSelect", "exclude", "configuration", "logLevel", "codeAction", "codeLens", "diagnosticMode"]) {
            assert.equal(classifyChange(changed(`asyncguide.${key}`)), "notify", key);
        }
    });

    it("ignores other sections", () => {
        assert.equal(classifyChange(changed("python.defaultInterpreterPath", "editor.fontSize")), "none");
    });
});
