// Whether a workspace folder is a Python project, so the server can be started as the window
// opens instead of when the first Python file does: the server's start is most of the wait for
// the first diagnostics. VS Code's `workspaceContains` activation events see only the folder's
// root (a glob would have VS Code search the whole tree, which is what made `**/*.py` slow); this
// looks one level deeper too, for repositories that keep their Python in a subfolder (`backend/`,
// `services/api/`'s parent), and reads at most `MAX_SUBFOLDERS + 1` directories.

import * as fs from "node:fs";
import * as path from "node:path";

/** Files whose presence at a folder's root makes it a Python project; package.json's
 *  `workspaceContains` activation events name the same (a unit test keeps them equal). */
export const PROJECT_FILES: readonly string[] = [
    "pyproject.toml",
    "setup.py",
    "requirements.txt",
    "Pipfile",
    "pylock.toml",
    "manage.py",
    "app.py",
];

/** How many subfolders of a workspace folder are looked into, at most. */
export const MAX_SUBFOLDERS = 50;

/** Subfolders never looked into: environments, dependencies, caches (and any hidden folder). */
const SKIPPED = new Set(["node_modules", "__pycache__", "venv", "env", "site-packages", "build", "dist"]);

export interface Entry {
    name: string;
    isDirectory: boolean;
}

/** A directory's entries; rejects when it cannot be read. */
export type ReadDirectory = (folder: string) => Promise<Entry[]>;

/** `ReadDirectory` on the file system (a symbolic link counts as a file). */
export const readDirectory: ReadDirectory = async (folder) =>
    (await fs.promises.readdir(folder, { withFileTypes: true })).map((entry) => ({ name: entry.name, isDirectory: entry.isDirectory() }));

const isPythonEntry = (entry: Entry): boolean =>
    !entry.isDirectory && (PROJECT_FILES.includes(entry.name) || entry.name.endsWith(".py") || entry.name.endsWith(".ipynb"));

/** Whether `folder` or one of its first `MAX_SUBFOLDERS` subfolders (by name, hidden and
 *  `SKIPPED` ones left out) holds a project file, a Python module or a notebook. A folder that
 *  cannot be read counts as holding none. */
export async function looksLikePythonProject(folder: string, read: ReadDirectory = readDirectory): Promise<boolean> {
    const entries = await read(folder).catch(() => []);
    if (entries.some(isPythonEntry)) {
        return true;
    }
    const subfolders = entries
        .filter((entry) => entry.isDirectory && !entry.name.startsWith(".") && !SKIPPED.has(entry.name))
        .map((entry) => entry.name)
        .sort()
        .slice(0, MAX_SUBFOLDERS);
    for (const name of subfolders) {
        const inside = await read(path.join(folder, name)).catch(() => []);
        if (inside.some(isPythonEntry)) {
            return true;
        }
    }
    return false;
}
