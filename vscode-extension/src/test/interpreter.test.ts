import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";

import {
    assess,
    chooseInterpreter,
    findOnPath,
    parseProbe,
    pythonExtensionChoice,
    probeArgs,
    type ProbeMode,
    pythonNames,
    type AssessmentInput,
    type BundleInfo,
    type ProbeResult,
} from "../common/interpreter";

describe("chooseInterpreter", () => {
    it("takes the asyncguide.interpreter setting first", () => {
        assert.deepEqual(chooseInterpreter("/venv/bin/python", "/ext/python", "/usr/bin/python3"), {
            command: "/venv/bin/python",
            source: "setting",
        });
    });

    it("takes the Python extension's interpreter without a setting", () => {
        assert.deepEqual(chooseInterpreter("", "/ext/python", "/usr/bin/python3"), { command: "/ext/python", source: "pythonExtension" });
    });

    it("takes python3 on PATH without either", () => {
        assert.deepEqual(chooseInterpreter("", undefined, "/usr/bin/python3"), { command: "/usr/bin/python3", source: "path" });
        assert.deepEqual(chooseInterpreter("", "", "/usr/bin/python3"), { command: "/usr/bin/python3", source: "path" });
    });

    it("finds none when nothing is there", () => {
        assert.equal(chooseInterpreter("", undefined, undefined), undefined);
    });
});

describe("findOnPath", () => {
    it("returns the first executable match in PATH order", () => {
        const executables = new Set(["/opt/py/bin/python3", "/usr/bin/python3"]);
        const found = findOnPath(["python3"], "/home/dev/bin::/opt/py/bin:/usr/bin", "linux", (file) => executables.has(file));
        assert.equal(found, "/opt/py/bin/python3");
    });

    it("tries Windows' extensions and prefers python.exe there", () => {
        assert.deepEqual(pythonNames("win32"), ["python", "python3"]);
        assert.deepEqual(pythonNames("linux"), ["python3"]);
        const found = findOnPath(pythonNames("win32"), "C:\\Tools;C:\\Python312", "win32", (file) => file === "C:\\Python312\\python.exe");
        assert.equal(found, "C:\\Python312\\python.exe");
    });

    it("returns undefined without PATH or a match", () => {
        assert.equal(findOnPath(["python3"], undefined, "linux", () => true), undefined);
        assert.equal(findOnPath(["python3"], "/usr/bin", "linux", () => false), undefined);
    });
});

function probeOutput(overrides: Partial<ProbeResult> = {}): string {
    const result: ProbeResult = {
        version: [3, 12, 4],
        executable: "/usr/bin/python3",
        cacheTag: "cpython-312",
        platform: "linux-x86_64",
        asyncguide: "/ext/bundled/libs/asyncguide/server/lsp/__init__.py",
        importError: null,
        ...overrides,
    };
    return `some startup noise\n${JSON.stringify(result)}\n`;
}

const BUNDLE: BundleInfo = {
    cacheTags: ["cpython-310", "cpython-311", "cpython-312"],
    platform: "linux-x86_64",
    pythonVersions: ["3.10", "3.11", "3.12"],
    native: true,
};
const WHEEL = "/ext/bundled/wheels/asyncguide-0.1.0-py3-none-any.whl";

function input(overrides: Partial<AssessmentInput> = {}): AssessmentInput {
    return {
        choice: { command: "/usr/bin/python3", source: "path" },
        strategy: "useBundled",
        probe: { kind: "answered", stdout: probeOutput() },
        bundle: BUNDLE,
        wheel: undefined,
        pythonExtensionInstalled: false,
        trusted: true,
        ...overrides,
    };
}

describe("parseProbe", () => {
    it("reads the last line of the probe's output", () => {
        assert.deepEqual(parseProbe(probeOutput())?.version, [3, 12, 4]);
    });

    it("rejects output that is not the probe's", () => {
        assert.equal(parseProbe("Python 2.7.18"), undefined);
        assert.equal(parseProbe('{"version": "3.12"}'), undefined);
        assert.equal(parseProbe(""), undefined);
    });
});

describe("assess", () => {
    it("accepts a Python 3.10+ that loads the bundled server", () => {
        assert.equal(assess(input()), undefined);
    });

    it("accepts any Python 3.10+ when the bundle is pure Python", () => {
        const probe = { kind: "answered" as const, stdout: probeOutput({ version: [3, 10, 0], cacheTag: "cpython-310" }) };
        assert.equal(assess(input({ probe, bundle: { ...BUNDLE, native: false } })), undefined);
    });

    it("names the missing interpreter and the setting that fixes it, in plain text (notifications show no Markdown)", () => {
        const problem = assess(input({ choice: undefined, probe: undefined }));
        assert.match(problem?.message ?? "", /found none: python3 is not on PATH\. Set asyncguide\.interpreter to/);
        assert.deepEqual(problem?.actions, ["openInterpreterSetting"]);
        assert.doesNotMatch(problem?.message ?? "", /`/);
    });

    it("offers the Python extension's interpreter picker when that extension is installed", () => {
        const problem = assess(input({ choice: undefined, probe: undefined, pythonExtensionInstalled: true }));
        assert.match(problem?.message ?? "", /the Python extension has no interpreter selected/);
        assert.deepEqual(problem?.actions, ["selectInterpreter", "openInterpreterSetting"]);
    });

    it("says which interpreter did not run, from where it came, and why", () => {
        const problem = assess(
            input({
                choice: { command: "/nope/python", source: "setting" },
                probe: { kind: "failed", reason: "spawn /nope/python ENOENT" },
            }),
        );
        assert.match(problem?.message ?? "", /could not run the Python interpreter "\/nope\/python" \(the asyncguide.interpreter setting\): spawn \/nope\/python ENOENT/);
    });

    it("rejects Python older than 3.10 with its version", () => {
        const probe = { kind: "answered" as const, stdout: probeOutput({ version: [3, 9, 18], asyncguide: null }) };
        const problem = assess(input({ probe }));
        assert.match(problem?.message ?? "", /needs Python 3\.10 or newer, and "\/usr\/bin\/python3" \(python3 on PATH\) is Python 3\.9\.18/);
        assert.equal(assess(input({ probe: { kind: "answered", stdout: probeOutput({ version: [2, 7, 18] }) } }))?.actions[0], "openInterpreterSetting");
    });

    it("rejects a command that is not Python", () => {
        const problem = assess(input({ probe: { kind: "answered", stdout: "hello" } }));
        assert.match(problem?.message ?? "", /did not answer like a Python interpreter/);
    });

    it("explains a build without bundled libraries", () => {
        const problem = assess(input({ bundle: undefined }));
        assert.match(problem?.message ?? "", /no bundled server/);
        assert.deepEqual(problem?.actions, ["useFromEnvironment"]);
    });

    it("accepts every Python the bundle holds compiled extensions for", () => {
        for (const [minor, tag] of [[10, "cpython-310"], [11, "cpython-311"], [12, "cpython-312"]] as const) {
            const probe = { kind: "answered" as const, stdout: probeOutput({ version: [3, minor, 0], cacheTag: tag }) };
            assert.equal(assess(input({ probe })), undefined, tag);
        }
    });

    it("explains a Python the bundle holds no compiled extensions for, naming those it has", () => {
        const probe = { kind: "answered" as const, stdout: probeOutput({ version: [3, 13, 1], cacheTag: "cpython-313" }) };
        const problem = assess(input({ probe, wheel: WHEEL }));
        assert.match(problem?.message ?? "", /runs on Python 3\.10, 3\.11, 3\.12 \(linux-x86_64\).*is Python 3\.13\.1 \(cpython-313, linux-x86_64\)/);
        assert.deepEqual(problem?.actions, ["installBundledWheel", "openInterpreterSetting"]);
    });

    it("offers no install in Restricted Mode", () => {
        const probe = { kind: "answered" as const, stdout: probeOutput({ version: [3, 13, 1], cacheTag: "cpython-313" }) };
        const problem = assess(input({ probe, wheel: WHEEL, trusted: false }));
        assert.deepEqual(problem?.actions, ["openInterpreterSetting"]);
        assert.doesNotMatch(problem?.message ?? "", /Install asyncguide/);
    });

    it("reports the import error of a bundle that does not load", () => {
        const probe = { kind: "answered" as const, stdout: probeOutput({ asyncguide: null, importError: "ImportError: libcst.native" }) };
        assert.match(assess(input({ probe }))?.message ?? "", /does not load in .*ImportError: libcst\.native/);
    });

    it("with fromEnvironment, tells how to install asyncguide into the interpreter", () => {
        const probe = {
            kind: "answered" as const,
            stdout: probeOutput({ asyncguide: null, importError: "ModuleNotFoundError: No module named 'asyncguide'" }),
        };
        const problem = assess(input({ strategy: "fromEnvironment", bundle: undefined, probe }));
        assert.match(problem?.message ?? "", /asyncguide is not installed in "\/usr\/bin\/python3".*"\/usr\/bin\/python3 -m pip install <checkout>"/);
        assert.deepEqual(problem?.actions, ["useBundled", "openInterpreterSetting"]);
        // asyncguide is not on PyPI yet: no message offers `pip install asyncguide`
        assert.doesNotMatch(problem?.message ?? "", /pip install asyncguide/);
        const withWheel = assess(input({ strategy: "fromEnvironment", bundle: undefined, probe, wheel: WHEEL }));
        assert.match(withWheel?.message ?? "", /from the wheel bundled with this extension \(Install asyncguide\)/);
        assert.deepEqual(withWheel?.actions, ["installBundledWheel", "useBundled", "openInterpreterSetting"]);
    });

    it("with fromEnvironment, tells a broken install from a missing one", () => {
        const probe = { kind: "answered" as const, stdout: probeOutput({ asyncguide: null, importError: "ModuleNotFoundError: No module named 'pygls'" }) };
        assert.match(assess(input({ strategy: "fromEnvironment", probe }))?.message ?? "", /installed in .* but does not load: .*pygls/);
    });

    it("with fromEnvironment, ignores the bundle", () => {
        assert.equal(assess(input({ strategy: "fromEnvironment", bundle: undefined })), undefined);
    });
});

function findPython(): string | undefined {
    for (const name of ["python3", "python"]) {
        try {
            execFileSync(name, ["-c", "pass"], { stdio: "ignore" });
            return name;
        } catch {
            // not this one
        }
    }
    return undefined;
}

describe("PROBE_SCRIPT, run by a real Python", { skip: findPython() === undefined ? "no python3 on PATH" : false }, () => {
    const python = findPython() ?? "python3";

    /** The probe's answer with PYTHONPATH set to a folder holding `files`, and that folder. */
    function probeWith(files: Record<string, string>, mode: ProbeMode = "import"): { result: ProbeResult | undefined; root: string } {
        const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "asyncguide-probe-")));
        for (const [name, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
            fs.writeFileSync(path.join(root, name), text);
        }
        try {
            const stdout = execFileSync(python, probeArgs(mode), { env: { ...process.env, PYTHONPATH: root }, cwd: root, encoding: "utf-8" });
            return { result: parseProbe(stdout), root };
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    }

    const supported = (result: ProbeResult) => result.version[0] > 3 || (result.version[0] === 3 && result.version[1] >= 10);

    it("reports where the server package was imported from", () => {
        const { result, root } = probeWith({ "asyncguide/server/__init__.py": "", "asyncguide/server/lsp/__init__.py": "" });
        assert.ok(result !== undefined, "the probe answered");
        assert.match(result.cacheTag, /-\d+$/);
        assert.equal(result.asyncguide, supported(result) ? path.join(root, "asyncguide", "server", "lsp", "__init__.py") : null);
        assert.equal(result.importError, null);
    });

    it("finds the server package without importing it", () => {
        const { result, root } = probeWith({ "asyncguide/server/__init__.py": "", "asyncguide/server/lsp/__init__.py": "import not_a_module_anywhere\n" }, "find");
        assert.ok(result !== undefined, "the probe answered");
        assert.equal(result.asyncguide, supported(result) ? path.join(root, "asyncguide", "server", "lsp", "__init__.py") : null);
        assert.equal(result.importError, null);
    });

    it("says when it finds no server package", () => {
        // a regular package shadows any asyncguide installed for this Python
        const { result } = probeWith({ "asyncguide/__init__.py": "" }, "find");
        assert.ok(result !== undefined, "the probe answered");
        assert.equal(result.asyncguide, null);
        if (supported(result)) {
            assert.match(result.importError ?? "", /No module named 'asyncguide/);
        }
    });

    it("reports an import error instead of failing", () => {
        const { result } = probeWith({ "asyncguide/server/__init__.py": "", "asyncguide/server/lsp/__init__.py": "import not_a_module_anywhere\n" });
        assert.ok(result !== undefined, "the probe answered");
        assert.equal(result.asyncguide, null);
        if (supported(result)) {
            assert.match(result.importError ?? "", /ModuleNotFoundError: No module named 'not_a_module_anywhere'/);
        }
    });
});

describe("pythonExtensionChoice", () => {
    /** An `ask` that resolves with `answer` when `answer()` of the returned pair is called. */
    const deferred = (): { ask: () => Promise<string | undefined>; answer: (value: string | undefined) => void; asked: () => boolean } => {
        let resolve: (value: string | undefined) => void = () => undefined;
        let called = false;
        const promise = new Promise<string | undefined>((settle) => (resolve = settle));
        return {
            ask: () => {
                called = true;
                return promise;
            },
            answer: (value) => resolve(value),
            asked: () => called,
        };
    };
    const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

    it("starts with the remembered interpreter at once, and asks the extension all the same", async () => {
        const extension = deferred();
        const changes: (string | undefined)[] = [];
        const chosen = await pythonExtensionChoice("/venv/bin/python", () => true, extension.ask, (answer) => changes.push(answer));
        assert.equal(chosen, "/venv/bin/python");
        assert.equal(extension.asked(), true);
        extension.answer("/venv/bin/python");
        await settled();
        assert.deepEqual(changes, []);
    });

    it("reports the extension's answer when it differs from the remembered one", async () => {
        const extension = deferred();
        const changes: (string | undefined)[] = [];
        await pythonExtensionChoice("/old/bin/python", () => true, extension.ask, (answer) => changes.push(answer));
        extension.answer("/new/bin/python");
        await settled();
        assert.deepEqual(changes, ["/new/bin/python"]);
    });

    it("waits for the extension without a remembered interpreter, or when that file is gone", async () => {
        for (const remembered of [undefined, "/gone/bin/python"]) {
            const extension = deferred();
            const changes: (string | undefined)[] = [];
            const choosing = pythonExtensionChoice(remembered, () => false, extension.ask, (answer) => changes.push(answer));
            extension.answer("/venv/bin/python");
            assert.equal(await choosing, "/venv/bin/python");
            assert.deepEqual(changes, []);
        }
    });
});
