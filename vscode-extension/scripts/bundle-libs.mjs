// Fills bundled/libs with asyncguide (from this repository) and its dependencies, installed by the
// Python that will run them (`$PYTHON`, else python3), and writes bundled/bundle.json: which Python
// that was, and whether the packages hold compiled extensions that load only in it.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const extension = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repository = path.dirname(extension);
const libs = path.join(extension, "bundled", "libs");
const python = process.env.PYTHON ?? "python3";

fs.rmSync(libs, { recursive: true, force: true });
execFileSync(
    python,
    ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile", "--target", libs, repository],
    { stdio: "inherit" },
);
// Entry-point scripts name the build machine's interpreter; the extension runs `python -m`.
fs.rmSync(path.join(libs, "bin"), { recursive: true, force: true });

const hasCompiledExtension = (folder) =>
    fs.readdirSync(folder, { withFileTypes: true, recursive: true }).some((entry) => entry.isFile() && /\.(so|pyd)$/.test(entry.name));

const describe = "import json, sys, sysconfig; print(json.dumps({'cacheTag': sys.implementation.cache_tag, " +
    "'platform': sysconfig.get_platform(), 'pythonVersion': '%d.%d' % sys.version_info[:2]}))";
const info = { ...JSON.parse(execFileSync(python, ["-c", describe], { encoding: "utf-8" })), native: hasCompiledExtension(libs) };
fs.writeFileSync(path.join(extension, "bundled", "bundle.json"), JSON.stringify(info, null, 4) + "\n");
console.log(`bundled/libs: asyncguide for Python ${info.pythonVersion} (${info.cacheTag}, ${info.platform}), compiled extensions: ${info.native}`);
