import * as assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { ExtensionSettings } from "../common/settings";
import { insideFolders, pathOutside, restrictForUntrustedWorkspace } from "../common/trust";

const FOLDERS = ["/work/app", "/work/lib"];

const SETTINGS: ExtensionSettings = {
    interpreter: "/work/app/.venv/bin/python",
    path: ["/work/app/.venv/bin/asyncguide"],
    importStrategy: "fromEnvironment",
    server: { select: ["ASY"] },
};

describe("Restricted Mode", () => {
    it("tells files inside the workspace folders from those outside", () => {
        assert.equal(insideFolders("/work/app/.venv/bin/python", FOLDERS, "linux"), true);
        assert.equal(insideFolders("/work/lib", FOLDERS, "linux"), true);
        assert.equal(insideFolders("/work/application/python", FOLDERS, "linux"), false);
        assert.equal(insideFolders("/usr/bin/python3", FOLDERS, "linux"), false);
        assert.equal(insideFolders("C:\\Work\\App\\venv\\python.exe", ["c:\\work\\app"], "win32"), true);
    });

    it("looks for python3 only in PATH folders outside the workspace", () => {
        assert.equal(pathOutside("/work/app/.venv/bin:/usr/local/bin::/usr/bin", FOLDERS, "linux"), "/usr/local/bin:/usr/bin");
    });

    it("runs the bundled server on an interpreter outside the workspace, and says what it ignored", () => {
        const { settings, ignored } = restrictForUntrustedWorkspace(SETTINGS, FOLDERS, "linux");
        assert.deepEqual(settings, { interpreter: "", path: [], importStrategy: "useBundled", server: { select: ["ASY"] } });
        assert.equal(ignored.length, 3);
        assert.match(ignored.join("; "), /importStrategy "fromEnvironment".*asyncguide\.path.*interpreter "\/work\/app\/\.venv\/bin\/python" \(inside the workspace\)/);
    });

    it("keeps a user's interpreter outside the workspace", () => {
        const { settings, ignored } = restrictForUntrustedWorkspace({ ...SETTINGS, interpreter: "/usr/bin/python3.12", path: [], importStrategy: "useBundled" }, FOLDERS, "linux");
        assert.equal(settings.interpreter, "/usr/bin/python3.12");
        assert.deepEqual(ignored, []);
    });
});
