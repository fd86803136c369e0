import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";

import { looksLikePythonProject, MAX_SUBFOLDERS, PROJECT_FILES, readDirectory, type ReadDirectory } from "../common/pythonProject";

describe("looksLikePythonProject", () => {
    let root: string;
    /** Makes `relative` files (a trailing "/" makes a folder) under `root`. */
    const make = (...relatives: string[]): void => {
        for (const relative of relatives) {
            const target = path.join(root, relative);
            if (relative.endsWith("/")) {
                fs.mkdirSync(target, { recursive: true });
            } else {
                fs.mkdirSync(path.dirname(target), { recursive: true });
                fs.writeFileSync(target, "");
            }
        }
    };
    /** `readDirectory`, and the folders it was asked to read. */
    const counting = (): { read: ReadDirectory; folders: string[] } => {
        const folders: string[] = [];
        return {
            folders,
            read: (folder) => {
                folders.push(path.relative(root, folder));
                return readDirectory(folder);
            },
        };
    };

    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "asyncguide-project-"));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("finds a project file, a module or a notebook at the root", async () => {
        for (const name of ["pyproject.toml", "main.py", "analysis.ipynb"]) {
            make(name);
            assert.equal(await looksLikePythonProject(root), true, name);
            fs.rmSync(path.join(root, name));
        }
    });

    it("finds them one folder down, as in a repository with a backend/ folder", async () => {
        make("frontend/package.json", "backend/requirements.txt");
        assert.equal(await looksLikePythonProject(root), true);
    });

    it("does not look two folders down, into hidden folders or into environments", async () => {
        make("docs/", "src/service/app.py", ".tox/lib.py", "node_modules/gyp/gyp.py", "venv/main.py", "README.md");
        const { read, folders } = counting();
        assert.equal(await looksLikePythonProject(root, read), false);
        assert.deepEqual(folders.sort(), ["", "docs", "src"]);
    });

    it("reads the root and at most MAX_SUBFOLDERS folders under it", async () => {
        make(...Array.from({ length: MAX_SUBFOLDERS + 20 }, (_, index) => `package${String(index).padStart(3, "0")}/`));
        const { read, folders } = counting();
        assert.equal(await looksLikePythonProject(root, read), false);
        assert.equal(folders.length, MAX_SUBFOLDERS + 1);
    });

    it("counts a folder it cannot read as holding nothing", async () => {
        assert.equal(await looksLikePythonProject(path.join(root, "missing")), false);
        make("a/", "b/setup.py");
        const failingA: ReadDirectory = (folder) => (folder.endsWith(`${path.sep}a`) ? Promise.reject(new Error("EACCES")) : readDirectory(folder));
        assert.equal(await looksLikePythonProject(root, failingA), true);
    });

    it("knows the project files package.json's workspaceContains activation events name", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf-8")) as { activationEvents: string[] };
        const named = manifest.activationEvents.filter((event) => event.startsWith("workspaceContains:")).map((event) => event.slice("workspaceContains:".length));
        assert.deepEqual([...named].sort(), [...PROJECT_FILES].sort());
    });
});
