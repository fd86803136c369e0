// VS Code end to end: code-server (VS Code in the browser) with the built .vsix installed, driven
// in headless Chromium by Playwright, with workspace trust on (VS Code's default). In a folder the
// user trusts, on a Starlette file with a blocking `time.sleep()` in a handler, shows that (1) the
// Problems panel lists the asyncguide diagnostic, (2) hovering it shows the quoted guideline, (3)
// the quick fix, applied and saved, changes the file on disk as `asyncguide check --fix` would;
// then that (4) `editor.codeActionsOnSave` with `source.fixAll.asyncguide` fixes a second file on
// save, and (5) an interpreter that does not exist, set while the server runs, restarts it and is
// reported once with the fix. Then, for each --python, four fresh windows (`UNTRUSTED_WINDOWS`) on
// folders the user does not trust (Restricted Mode) with that Python as the user's
// `asyncguide.interpreter` (VS Code hands the extension host the login shell's PATH, so PATH cannot
// choose it): (6) the diagnostic appears, from the bundled server on that Python; the first window
// probes the interpreter, the others use the cached probe; the server starts with a window whose
// folder is a Python project, and with the file in one that is not.
//
// Each window prints the time from the click that opens the file to its squiggle, both seen by the
// page, with the load average, and a timeline from that click: VS Code's extension host up, the
// extension's activation, the server spawned, initialized and its first diagnostics (from the
// extension host's and the extension's logs), the file's text shown and the squiggle drawn.
// Screenshots of each step go to --screenshots, taken once the page shows what the step checks.
//
// node vscode.mjs --code-server BIN --vsix FILE --asyncguide BIN --screenshots DIR [--python VERSION=BIN]...
// (--asyncguide is the command line tool, the oracle for what the editor should show.)

import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const { values: options } = parseArgs({
    options: {
        "code-server": { type: "string" },
        vsix: { type: "string" },
        asyncguide: { type: "string" },
        screenshots: { type: "string" },
        python: { type: "string", multiple: true, default: [] },
    },
});
for (const name of ["code-server", "vsix", "asyncguide", "screenshots"]) {
    if (!options[name]) {
        throw new Error(`--${name} is required`);
    }
}

const STEP_TIMEOUT_MS = 90_000;
/** How long the extension host may take to write its log to disk. */
const LOG_FLUSH_MS = 15_000;
/** The fresh windows opened for each Python, in order, on folders the user does not trust: where
 *  the workspace's files are in the folder (`under`), what the window waits for before the file is
 *  opened, and the label printed with its times. "cold" and "warm" open app.py as soon as the
 *  window shows, while VS Code is still starting its extension host; their app.py at the root
 *  activates the extension as the window opens, and "cold" is the interpreter's first start. The
 *  other two open it as a person would once the window has loaded: "project" keeps the files in a
 *  subfolder, which makes the folder a Python project (vscode-extension/src/common/pythonProject.ts)
 *  and starts the server with the window; "elsewhere" keeps them two levels down, in a folder that
 *  is no Python project, where opening the file starts the server. */
const UNTRUSTED_WINDOWS = [
    { name: "cold", under: [], waitFor: undefined, label: "cold" },
    { name: "warm", under: [], waitFor: undefined, label: "warm" },
    { name: "project", under: ["service"], waitFor: /The server is running/, label: "warm, window loaded, Python project" },
    { name: "elsewhere", under: ["scripts", "tools"], waitFor: /No Python project in the workspace/, label: "warm, window loaded, no Python project" },
];

const CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "asyncguide-vscode-"));
const workspace = path.join(scratch, "workspace");
const dataDir = path.join(scratch, "data");
const extensionsDir = path.join(scratch, "extensions");
const file = path.join(workspace, "app.py");
const worker = path.join(workspace, "worker.py");
const workspaceSettings = path.join(workspace, ".vscode", "settings.json");
fs.cpSync(path.join(HERE, "workspace"), workspace, { recursive: true });
fs.mkdirSync(options.screenshots, { recursive: true });

const expectationsFor = (target) =>
    JSON.parse(execFileSync("python3", [path.join(HERE, "expected.py"), "--asyncguide", options.asyncguide, target], { encoding: "utf-8" }));
const expected = expectationsFor(file);
const expectedWorker = expectationsFor(worker);
const original = fs.readFileSync(file, "utf-8");
const originalWorker = fs.readFileSync(worker, "utf-8");
if (expected.diagnostics.length !== 1 || expected.fixed === original) {
    throw new Error(`app.py should have one fixable finding, asyncguide check found: ${JSON.stringify(expected.diagnostics)}`);
}
if (expectedWorker.fixed === originalWorker) {
    throw new Error("worker.py should have fixable findings");
}
const [finding] = expected.diagnostics;

// Fix all on save, as the extension's README tells users to set it.
function writeWorkspaceSettings(extra) {
    fs.mkdirSync(path.dirname(workspaceSettings), { recursive: true });
    const settings = { "[python]": { "editor.codeActionsOnSave": { "source.fixAll.asyncguide": "explicit" } }, ...extra };
    fs.writeFileSync(workspaceSettings, JSON.stringify(settings, null, 2));
}
writeWorkspaceSettings({});

// What a person would set to keep the window quiet: no welcome page, no chat. Workspace trust
// stays on: each window asks whether to trust its folder.
function writeUserSettings(dataDir, extra = {}) {
    fs.mkdirSync(path.join(dataDir, "User"), { recursive: true });
    fs.writeFileSync(
    path.join(dataDir, "User", "settings.json"),
    JSON.stringify({
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "chat.disableAIFeatures": true,
        "telemetry.telemetryLevel": "off",
        "extensions.autoCheckUpdates": false,
        "extensions.autoUpdate": false,
        "workbench.editor.enablePreview": false,
        "editor.hover.delay": 200,
        ...extra,
    }),
    );
}
writeUserSettings(dataDir);

function log(message) {
    console.log(`[vscode] ${message}`);
}

function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

// This machine's environment may say not to write bytecode (PYTHONDONTWRITEBYTECODE); a user's
// does not, and a warm start reads the bytecode the first one wrote next to the bundled modules.
const codeServerEnv = { ...process.env };
delete codeServerEnv.PYTHONDONTWRITEBYTECODE;

/** Resolves once code-server says it listens; rejects if it exits first. */
function startCodeServer(port, { data = dataDir, folder = workspace, logName = "code-server.log" } = {}) {
    const child = spawn(
        options["code-server"],
        [
            "--auth", "none",
            "--bind-addr", `127.0.0.1:${port}`,
            "--disable-telemetry",
            "--disable-update-check",
            "--user-data-dir", data,
            "--extensions-dir", extensionsDir,
            folder,
        ],
        { stdio: ["ignore", "pipe", "pipe"], env: codeServerEnv },
    );
    const output = fs.createWriteStream(path.join(scratch, logName));
    child.stdout.pipe(output);
    child.stderr.pipe(output);
    const listening = new Promise((resolve, reject) => {
        child.stdout.on("data", (chunk) => {
            if (/HTTP server listening on/.test(String(chunk))) {
                resolve();
            }
        });
        child.once("exit", (code) => reject(new Error(`code-server exited with ${code}; see ${scratch}/${logName}`)));
    });
    return { child, listening };
}

/** Waits until `read()` returns something truthy, checking after every change in `file`'s folder. */
function waitForFile(file, read, timeoutMs) {
    return new Promise((resolve, reject) => {
        const check = () => {
            const value = read();
            if (value) {
                watcher.close();
                clearTimeout(timer);
                resolve(value);
            }
        };
        const watcher = fs.watch(path.dirname(file), check);
        const timer = setTimeout(() => {
            watcher.close();
            reject(new Error(`timed out after ${timeoutMs} ms waiting for ${file} to change`));
        }, timeoutMs);
        check();
    });
}

/** Resolves with what `read()` returns once it is truthy, asked every 200 ms; rejects after `timeoutMs`. */
async function poll(read, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = read();
        if (value) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error(`nothing after ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
}

const normalize = (text) => text.replace(/[`*]/g, "").replace(/\s+/g, " ").trim();

async function screenshot(page, name) {
    const target = path.join(options.screenshots, name);
    await page.screenshot({ path: target });
    log(`screenshot ${path.relative(process.cwd(), target)}`);
}

/** A window opens a folder it has not been told to trust in Restricted Mode (code-server asks
 *  nothing); `trust`: trust it, as a person would, from the banner's "Manage" link. */
async function settleTrust(page, trust) {
    const restricted = page.locator(".statusbar-item", { hasText: "Restricted Mode" });
    await restricted.first().waitFor();
    if (!trust) {
        return;
    }
    await page.locator(".monaco-workbench a, .monaco-workbench .monaco-link", { hasText: "Manage" }).first().click();
    const trustButton = page.locator(".workspace-trust-editor .monaco-button", { hasText: /^Trust/ }).first();
    await trustButton.waitFor();
    await screenshot(page, "00-workspace-trust-editor.png");
    await trustButton.click();
    await restricted.first().waitFor({ state: "detached" });
    await page.keyboard.press("Control+W"); // the trust editor
}

/** Opens `name` from the Explorer and waits for its first asyncguide squiggle; the squiggle, and
 *  (`Date.now()`) when the click was, when VS Code showed the file's text (no extension's squiggle
 *  can come before it) and when it drew the squiggle, all three seen by the page itself, so
 *  Playwright's own waits are not counted. The milliseconds from the click to the squiggle are
 *  printed with the load average. */
async function openAndTimeFirstDiagnostic(page, name, label) {
    const load = os.loadavg()[0].toFixed(2);
    await page.evaluate(() => {
        const seen = (window.asyncguideOpening = {});
        document.addEventListener("mousedown", () => (seen.clickedAt ??= Date.now()), { capture: true, once: true });
        const observer = new MutationObserver(() => {
            const editor = document.querySelector(".editor-instance .monaco-editor");
            if (editor === null) {
                return;
            }
            if (seen.textShownAt === undefined && editor.querySelector(".view-lines")?.textContent.includes("import")) {
                seen.textShownAt = Date.now();
            }
            if (editor.querySelector(".squiggly-warning, .squiggly-error, .squiggly-info") !== null) {
                seen.shownAt = Date.now();
                observer.disconnect();
            }
        });
        observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["class"] });
    });
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: name }).click();
    const editor = page.locator(".editor-instance .monaco-editor").first();
    const squiggle = editor.locator(".squiggly-warning, .squiggly-error, .squiggly-info").first();
    await squiggle.waitFor();
    const opening = await page.evaluate(() => window.asyncguideOpening);
    const elapsed = opening.shownAt - opening.clickedAt;
    log(`first diagnostic ${elapsed} ms after opening ${name} (${label}, load average ${load})`);
    firstDiagnosticTimes.push(`${label}: ${elapsed} ms (load average ${load})`);
    return { editor, squiggle, ...opening };
}

/** When a log line was written: VS Code starts each with the local time, "2026-12-06 16:08:13.299". */
const loggedAt = (line) => new Date(line.slice(0, 23).replace(" ", "T")).getTime();

/** The extension host's log beside each of the extension's log files. */
const hostLogs = (extensionLogFiles) =>
    readLogs(
        extensionLogFiles.map((file) => path.join(path.dirname(path.dirname(file)), "remoteexthost.log")).filter((file) => fs.existsSync(file)),
    );

/** What activated the extension, from the extension host's log beside its log files. */
const activationEvent = (extensionLogFiles) =>
    /_doActivateExtension asyncguide\.asyncguide, startup: \w+, activationEvent: '([^']*)'/.exec(hostLogs(extensionLogFiles))?.[1];

/** Where a window's start-up went: from the extension host's log, what activated the extension (a
 *  Python project file at the folder's root activates it as the window opens, before any file is
 *  clicked); from the extension's log, each start of the server in order (a restart when the
 *  folder is trusted): the probe, the start and initialize, the first diagnostics. */
function startupBreakdown(extensionLogFiles) {
    const activation = activationEvent(extensionLogFiles);
    const steps = readLogs(extensionLogFiles)
        .split("\n")
        .map((line) => line.replace(/^\S+ \S+ \[\w+\] /, ""))
        .filter((line) => /^(Probe \(|The server is running|First diagnostics|Restarting the server)/.test(line))
        .map((line) => line.replace(/^(Probe \([^)]*\)).*/, "$1"));
    return `activated by ${activation ?? "?"}: ${steps.join(" | ")}`;
}

/** The first start of a window, each step in milliseconds from the click that opened the file
 *  (negative: before it), from the extension host's and the extension's logs: VS Code's part (its
 *  extension host up, the extension's activation event) and asyncguide's (`activate()` called, the
 *  server spawned, initialized, its first diagnostics), VS Code showing the file's text, and the
 *  squiggle drawn. */
function startupTimeline(extensionLogFiles, { clickedAt, textShownAt, shownAt }) {
    const hostLines = hostLogs(extensionLogFiles).split("\n");
    const lines = readLogs(extensionLogFiles).split("\n");
    const at = (candidates, pattern) => {
        const line = candidates.find((candidate) => pattern.test(candidate));
        return line === undefined ? undefined : loggedAt(line);
    };
    const firstDiagnostics = lines.find((line) => /First diagnostics/.test(line));
    const [, sinceStart, sinceActivation] = /(\d+) ms after the server was started, (\d+) ms after the extension was activated/.exec(firstDiagnostics ?? "") ?? [];
    const diagnosedAt = firstDiagnostics === undefined ? undefined : loggedAt(firstDiagnostics);
    const steps = [
        ["extension host up", at(hostLines, /Extension host with pid \d+ started/)],
        ["activation event", at(hostLines, /_doActivateExtension asyncguide\.asyncguide/)],
        ["activate()", diagnosedAt && diagnosedAt - Number(sinceActivation)],
        ["server spawned", diagnosedAt && diagnosedAt - Number(sinceStart)],
        ["initialized", at(lines, /The server is running/)],
        ["first diagnostics", diagnosedAt],
        ["text shown", textShownAt],
        ["squiggle", shownAt],
    ];
    const signed = (ms) => (ms >= 0 ? `+${ms}` : `${ms}`);
    return steps.map(([name, time]) => `${name} ${time === undefined || Number.isNaN(time) ? "?" : signed(time - clickedAt)}`).join(" | ");
}

/** The extension's log files of `data` (one per window), their text joined. */
function extensionLogs(data, skip = new Set()) {
    return findFiles(path.join(data, "logs"), /asyncguide\.log$/).filter((name) => !skip.has(name));
}

const readLogs = (files) => files.map((name) => fs.readFileSync(name, "utf-8")).join("\n");

const firstDiagnosticTimes = [];
const failures = [];
function check(condition, message) {
    log(`${condition ? "ok  " : "FAIL"} ${message}`);
    if (!condition) {
        failures.push(message);
    }
}

log(`installing ${options.vsix}`);
execFileSync(options["code-server"], ["--install-extension", options.vsix, "--extensions-dir", extensionsDir, "--user-data-dir", dataDir], {
    stdio: "inherit",
});

const port = await freePort();
const codeServer = startCodeServer(port);
let browser; // a persistent context: Chromium with its own fresh profile folder
try {
    await codeServer.listening;
    log(`code-server on 127.0.0.1:${port}, workspace ${workspace}`);
    browser = await chromium.launchPersistentContext(path.join(scratch, "chromium"), {
        executablePath: "/usr/bin/chromium",
        headless: true,
        args: CHROMIUM_FLAGS,
        viewport: { width: 1400, height: 900 },
    });
    const page = await browser.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector(".monaco-workbench");
    await settleTrust(page, true);

    // Open the file from the Explorer, as a person would.
    const trustedWindow = await openAndTimeFirstDiagnostic(page, "app.py", "trusted folder, python3 on PATH, cold");
    const { editor, squiggle } = trustedWindow;
    await editor.locator(".view-lines", { hasText: "time.sleep" }).waitFor();

    // (1) The Problems panel lists the diagnostic.
    await editor.locator(".view-lines").click();
    await page.keyboard.press("Control+Shift+M");
    const problem = page.locator(".markers-panel .monaco-list-row", { hasText: finding.code }).first();
    await problem.waitFor();
    const problemText = normalize(await problem.innerText());
    await screenshot(page, "01-problems-panel.png");
    check(problemText.includes(normalize(finding.message)), `Problems panel lists "${finding.message}" (shown: "${problemText}")`);
    check(problemText.includes(`asyncguide`) && problemText.includes(finding.code), `the problem names asyncguide and ${finding.code}`);
    check(problemText.includes(`[Ln ${finding.line}, Col ${finding.column}]`), `at line ${finding.line}, column ${finding.column}`);

    // (2) Hovering the squiggle shows the guideline the rule quotes.
    await page.keyboard.press("Escape");
    const box = await squiggle.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const hover = page.locator(".monaco-hover:visible", { hasText: finding.code }).first();
    await hover.waitFor();
    await hover.locator("blockquote").first().waitFor();
    const hoverText = normalize(await hover.innerText());
    await screenshot(page, "02-hover-guideline.png");
    for (const quote of finding.quotes) {
        check(hoverText.includes(normalize(quote)), `hover quotes the guideline "${quote}"`);
    }
    // VS Code shows the diagnostic above the server's hover: the server's part does not repeat it
    check(hoverText.split(normalize(finding.message)).length === 2, "the hover shows the diagnostic's message once");

    // (3) The quick fix changes the file: the light bulb on the diagnostic's line, the fix, save.
    await page.mouse.move(0, 0);
    await page.keyboard.press("Escape");
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2); // the cursor on the diagnostic
    const lightBulb = editor.locator(".lightBulbWidget");
    await lightBulb.waitFor(); // shown once the server answered with code actions for this line
    await lightBulb.click();
    const fixItem = page.locator(".action-widget .action-item, .action-widget .monaco-list-row", { hasText: `${finding.code}:` }).first();
    await fixItem.waitFor();
    await screenshot(page, "03-quick-fix-menu.png");
    await fixItem.click();
    await editor.locator(".view-lines", { hasText: "asyncio.sleep" }).waitFor();
    await page.keyboard.press("Control+S");
    const saved = await waitForFile(file, () => {
        const text = fs.readFileSync(file, "utf-8");
        return text !== original ? text : undefined;
    }, STEP_TIMEOUT_MS);
    check(saved === expected.fixed, "the saved file is what `asyncguide check --fix` makes of it");
    if (saved !== expected.fixed) {
        log(`saved:\n${saved}\nexpected:\n${expected.fixed}`);
    }
    const cleared = await page
        .locator(".markers-panel .monaco-list-row", { hasText: finding.code })
        .waitFor({ state: "detached" })
        .then(() => true, () => false);
    await screenshot(page, "04-fixed-and-saved.png");
    check(cleared, "the diagnostic left the Problems panel once fixed");

    // (4) Fix all on save: editor.codeActionsOnSave runs source.fixAll.asyncguide.
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "worker.py" }).click();
    const workerLines = editor.locator(".view-lines", { hasText: "async def drain" });
    await workerLines.waitFor();
    await page.locator(".markers-panel .monaco-list-row", { hasText: "worker.py" }).waitFor();
    await screenshot(page, "05-fix-all-before-save.png");
    await workerLines.click();
    // an edit that changes nothing, then save: what a person does before saving
    await page.keyboard.press("Control+End");
    await page.keyboard.type(" ");
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Control+S");
    const savedWorker = await waitForFile(worker, () => {
        const text = fs.readFileSync(worker, "utf-8");
        return text !== originalWorker ? text : undefined;
    }, STEP_TIMEOUT_MS);
    await editor.locator(".view-lines", { hasText: "await asyncio.sleep(0.01)" }).waitFor();
    await screenshot(page, "06-fix-all-on-save.png");
    check(savedWorker === expectedWorker.fixed, "saving worker.py applied every safe fix, as `asyncguide check --fix` does");
    if (savedWorker !== expectedWorker.fixed) {
        log(`saved:\n${savedWorker}\nexpected:\n${expectedWorker.fixed}`);
    }

    // (5) A broken interpreter setting: the server restarts and the problem is said once, with its fix.
    const missing = path.join(scratch, "no-such-python", "python3");
    writeWorkspaceSettings({ "asyncguide.interpreter": missing });
    const toast = page.locator(".notification-toast", { hasText: "could not run the Python interpreter" });
    await toast.first().waitFor();
    await screenshot(page, "07-interpreter-problem.png");
    const toastText = normalize(await toast.first().innerText());
    check(toastText.includes(`"${missing}" (the asyncguide.interpreter setting)`), `the error names the interpreter and the setting (shown: "${toastText}")`);
    check((await toast.first().locator(".monaco-button", { hasText: "Open Interpreter Setting" }).count()) === 1, "the error offers to open the setting");
    check((await toast.count()) === 1, "the error is shown once");

    // The server ran from the extension's bundled copy, with a python3 that has no asyncguide.
    const serverLog = readLogs(extensionLogs(dataDir));
    log(`start-up (trusted folder, python3 on PATH, cold): ${startupBreakdown(extensionLogs(dataDir))}`);
    log(`timeline (trusted folder, python3 on PATH, cold): ${startupTimeline(extensionLogs(dataDir), trustedWindow)}`);
    check(/Probe \(\d+ ms\): .*bundled\/libs\/asyncguide\/server\/lsp/.test(serverLog), "the extension ran asyncguide from bundled/libs");
    check(!/\[error\]/.test(serverLog.split("asyncguide.interpreter")[0]), "no [error] line in the output channel before the broken setting");
    fs.writeFileSync(path.join(options.screenshots, "extension-log.txt"), serverLog);
} catch (error) {
    failures.push(String(error));
    log(`FAIL ${String(error)}`);
    const pages = browser?.pages() ?? [];
    if (pages.length > 0) {
        await screenshot(pages[pages.length - 1], "failure.png");
    }
} finally {
    await browser?.close();
    codeServer.child.kill();
}

// (6) Restricted Mode, with each --python as the user's interpreter: a cold window, then a warm one.
for (const spec of options.python) {
    const [version, interpreter] = spec.split("=");
    await untrustedWindows(version, interpreter).catch((error) => {
        failures.push(`Python ${version}: ${String(error)}`);
        log(`FAIL Python ${version}: ${String(error)}`);
    });
}

async function untrustedWindows(version, interpreter) {
    const run = path.join(scratch, `untrusted-${version}`);
    const data = path.join(run, "data");
    writeUserSettings(data, { "asyncguide.interpreter": interpreter });
    for (const window of UNTRUSTED_WINDOWS) {
        fs.cpSync(path.join(HERE, "workspace"), path.join(run, window.name, ...window.under), { recursive: true });
    }
    const windowPort = await freePort();
    const server = startCodeServer(windowPort, { data, folder: path.join(run, "cold"), logName: `code-server-${version}.log` });
    try {
        await server.listening;
        const earlier = new Set();
        const logsOf = {};
        for (const window of UNTRUSTED_WINDOWS) {
            logsOf[window.name] = await untrustedWindow(version, windowPort, run, window, earlier);
            logsOf[window.name].forEach((file) => earlier.add(file));
        }
        const probeOf = (name) => /Probe \(([^)]*)\)/.exec(readLogs(logsOf[name]))?.[1];
        check(probeOf("cold") !== undefined && probeOf("cold") !== "cached", `Python ${version}, cold: the interpreter was probed (probe: ${probeOf("cold")})`);
        check(probeOf("warm") === "cached", `Python ${version}, warm: the probe's answer came from the cache (probe: ${probeOf("warm")})`);
        const activationOf = (name) => activationEvent(logsOf[name]);
        check(
            activationOf("project") === "onStartupFinished" && /A workspace folder is a Python project/.test(readLogs(logsOf.project)),
            `Python ${version}, project in a subfolder: the server started with the window (activation event: ${activationOf("project")})`,
        );
        check(
            activationOf("elsewhere") === "onStartupFinished" && /No Python project in the workspace/.test(readLogs(logsOf.elsewhere)),
            `Python ${version}, no Python project: the server waited for the file (activation event: ${activationOf("elsewhere")})`,
        );
    } finally {
        server.child.kill();
    }
}

/** A fresh window (browser profile) of the code-server on `port`, on the untrusted folder
 *  `run/<window.name>` (see `UNTRUSTED_WINDOWS`); the extension's log files it wrote (those not
 *  in `earlier`). */
async function untrustedWindow(version, port, run, window, earlier) {
    const label = `untrusted folder, Python ${version}, ${window.label}`;
    const folder = path.join(run, window.name);
    const data = path.join(run, "data");
    let context;
    try {
        context = await chromium.launchPersistentContext(path.join(run, `chromium-${window.name}`), {
            executablePath: "/usr/bin/chromium",
            headless: true,
            args: CHROMIUM_FLAGS,
            viewport: { width: 1400, height: 900 },
        });
        const page = await context.newPage();
        page.setDefaultTimeout(STEP_TIMEOUT_MS);
        await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
        await page.waitForSelector(".monaco-workbench");
        await settleTrust(page, false);
        if (window.waitFor !== undefined) {
            await poll(() => window.waitFor.test(readLogs(extensionLogs(data, earlier))), STEP_TIMEOUT_MS);
            // the Explorer shows the subfolders as one row ("scripts/tools"): one click opens it
            await page.locator(".explorer-folders-view .monaco-list-row", { hasText: window.under[0] }).click();
            await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "app.py" }).waitFor();
        }
        const restricted = page.locator(".statusbar-item", { hasText: "Restricted Mode" });
        const opened = await openAndTimeFirstDiagnostic(page, "app.py", label);
        const { editor } = opened;
        await editor.locator(".view-lines").click();
        await page.keyboard.press("Control+Shift+M");
        const problem = page.locator(".markers-panel .monaco-list-row", { hasText: finding.code }).first();
        await problem.waitFor();
        const problemText = normalize(await problem.innerText());
        check((await restricted.count()) > 0 && problemText.includes(normalize(finding.message)), `${label}: Restricted Mode, and the Problems panel lists "${finding.message}"`);
        await screenshot(page, `08-restricted-mode-python-${version}-${window.name}.png`);
        // the log file is written a little after the window shows what it says
        const logs = await poll(() => {
            const files = extensionLogs(data, earlier);
            return /First diagnostics/.test(readLogs(files)) ? files : undefined;
        }, LOG_FLUSH_MS).catch(() => extensionLogs(data, earlier));
        const serverLog = readLogs(logs);
        log(`start-up (${label}): ${startupBreakdown(logs)}`);
        log(`timeline (${label}): ${startupTimeline(logs, opened)}`);
        check(/Restricted Mode: the bundled server runs/.test(serverLog), `${label}: the extension says it runs the bundled server in Restricted Mode`);
        const probed = /Probe \([^)]*\): (\{.*\})/.exec(serverLog);
        const probe = probed ? JSON.parse(probed[1]) : undefined;
        check(probe !== undefined && probe.version.slice(0, 2).join(".") === version, `${label}: the server ran on Python ${version} (probe: ${probed?.[1]})`);
        check(/bundled\/libs\/asyncguide\/server\/lsp/.test(probe?.asyncguide ?? ""), `${label}: from bundled/libs`);
        check(!/\[error\]/.test(serverLog), `${label}: no [error] line in the output channel`);
        fs.writeFileSync(path.join(options.screenshots, `extension-log-python-${version}-${window.name}.txt`), serverLog);
        return logs;
    } finally {
        await context?.close();
    }
}

log(`first diagnostic (click to squiggle, in a fresh window):\n    ${firstDiagnosticTimes.join("\n    ")}`);

function findFiles(folder, pattern) {
    if (!fs.existsSync(folder)) {
        return [];
    }
    return fs
        .readdirSync(folder, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile() && pattern.test(entry.name))
        .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

if (failures.length > 0) {
    log(`${failures.length} check(s) failed; code-server's log and the workspace are in ${scratch}`);
    process.exit(1);
}
fs.rmSync(scratch, { recursive: true, force: true });
log("VS Code showed the diagnostic, the guideline and the fix");
