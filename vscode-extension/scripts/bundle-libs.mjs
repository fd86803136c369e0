// Fills bundled/ for every supported Python at once, whatever Python runs the build (`$PYTHON`,
// else python3, only runs pip):
// - bundled/wheels: the asyncguide wheel (built from this repository), which the extension also
//   offers to install into an interpreter;
// - bundled/libs: that wheel and its dependencies, with the wheels for Python 3.10, the oldest
//   supported, plus the backports 3.10 needs (BACKPORTS: pip evaluates a dependency's
//   `python_version < "3.11"` for the Python running pip, not for --python-version; newer
//   Pythons ignore them). They are pure Python but for libcst's compiled `native` module, whose
//   file name carries the Python version (native.cpython-312-x86_64-linux-gnu.so): the native
//   module of each other version in `$PYTHON_VERSIONS` comes from the same libcst release, beside
//   it, and each interpreter loads its own. tomli is its pure-Python wheel, and PyYAML's optional
//   C speedups, which would load in one version only, are left out (PyYAML falls back to Python);
//   so are jedi's stubs of third-party packages (UNREAD_JEDI_STUBS), which jedi never reads;
// - bundled/bundle.json: the Pythons and platform the compiled modules are for.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const extension = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repository = path.dirname(extension);
const bundled = path.join(extension, "bundled");
const libs = path.join(bundled, "libs");
const wheels = path.join(bundled, "wheels");
const python = process.env.PYTHON ?? "python3";
const versions = (process.env.PYTHON_VERSIONS ?? "3.10 3.11 3.12 3.13 3.14").split(/\s+/).filter((version) => version !== "");
const oldest = versions[0];
/** What asyncguide (tomli) and cattrs (exceptiongroup) need on Python 3.10 only. */
const BACKPORTS = ["tomli", "exceptiongroup"];
/** Four files in five of the bundle, which jedi (0.20) never reads: its stub map of
 *  `typeshed/stubs` expects `stubs/<module>/__init__.pyi` where typeshed has
 *  `stubs/<distribution>/<module>/`, and it would take a third-party stub only for a package found
 *  installed, whose own code it then reads; the Django stubs are for Django, which asyncguide never
 *  asks jedi about (a known library). The standard library's stubs stay: jedi infers with them. */
const UNREAD_JEDI_STUBS = [["jedi", "third_party", "typeshed", "stubs"], ["jedi", "third_party", "django-stubs"]];

const pip = (...args) => execFileSync(python, ["-m", "pip", ...args, "--quiet", "--disable-pip-version-check"], { stdio: "inherit" });
const ask = (code) => JSON.parse(execFileSync(python, ["-c", code], { encoding: "utf-8" }));
const cpython = (version) => `cp${version.replace(".", "")}`;

// the platform tags pip accepts here (manylinux_2_36_x86_64, ...), to fetch this platform's wheels for other Pythons
const base = ask("import json, sysconfig; from pip._vendor.packaging.tags import platform_tags; " +
    "print(json.dumps({'platform': sysconfig.get_platform(), 'tags': list(platform_tags())}))");
const forPython = (version) => ["--only-binary=:all:", "--python-version", version, "--implementation", "cp", "--abi", cpython(version),
    ...base.tags.flatMap((platform) => ["--platform", platform])];

fs.rmSync(libs, { recursive: true, force: true });
fs.rmSync(wheels, { recursive: true, force: true });
pip("wheel", "--no-deps", "--wheel-dir", wheels, repository);
const wheel = path.join(wheels, fs.readdirSync(wheels).find((name) => name.endsWith(".whl")));
pip("install", "--no-compile", "--target", libs, ...forPython(oldest), wheel);
// Entry-point scripts name the build machine's interpreter; the extension runs `python -m`.
fs.rmSync(path.join(libs, "bin"), { recursive: true, force: true });
// tomli as pure Python (pip prefers its mypyc-compiled wheel, one module per Python version)
for (const name of fs.readdirSync(libs)) {
    if (/^tomli/.test(name) || /__mypyc\./.test(name)) {
        fs.rmSync(path.join(libs, name), { recursive: true, force: true });
    }
}
pip("install", "--no-compile", "--no-deps", "--target", libs, "--only-binary=:all:", "--implementation", "py", "--abi", "none",
    "--platform", "any", "--python-version", oldest, ...BACKPORTS);
for (const file of fs.readdirSync(path.join(libs, "yaml"))) {
    if (/^_yaml\..*\.(so|pyd)$/.test(file)) {
        fs.rmSync(path.join(libs, "yaml", file));
    }
}
for (const parts of UNREAD_JEDI_STUBS) {
    fs.rmSync(path.join(libs, ...parts), { recursive: true, force: true });
}
// Test suites of the dependencies: not imported, a few hundred files.
for (const entry of fs.readdirSync(libs, { withFileTypes: true, recursive: true })) {
    if (entry.isDirectory() && entry.name === "tests" && fs.existsSync(path.join(entry.parentPath, "__init__.py"))) {
        fs.rmSync(path.join(entry.parentPath, entry.name), { recursive: true, force: true });
    }
}
const libcst = fs.readdirSync(libs).find((name) => /^libcst-.*\.dist-info$/.test(name)).replace(/^libcst-(.*)\.dist-info$/, "$1");

const cacheTags = [];
const pythonVersions = [];
const downloads = fs.mkdtempSync(path.join(os.tmpdir(), "asyncguide-native-"));
try {
    for (const version of versions) {
        if (version !== oldest) {
            const folder = path.join(downloads, cpython(version));
            try {
                pip("download", "--no-deps", ...forPython(version), "--dest", folder, `libcst==${libcst}`);
            } catch {
                console.log(`bundled/libs: libcst ${libcst} has no compiled module for Python ${version} on ${base.platform}; left out`);
                continue;
            }
            const downloaded = fs.readdirSync(folder).find((name) => name.endsWith(".whl"));
            const unpacked = path.join(folder, "unpacked");
            execFileSync(python, ["-m", "zipfile", "-e", path.join(folder, downloaded), unpacked]);
            for (const file of fs.readdirSync(path.join(unpacked, "libcst"))) {
                if (/^native\..*\.(so|pyd)$/.test(file)) {
                    fs.copyFileSync(path.join(unpacked, "libcst", file), path.join(libs, "libcst", file));
                }
            }
        }
        cacheTags.push(`cpython-${version.replace(".", "")}`);
        pythonVersions.push(version);
    }
} finally {
    fs.rmSync(downloads, { recursive: true, force: true });
}


const info = { cacheTags, platform: base.platform, pythonVersions, native: true };
fs.writeFileSync(path.join(bundled, "bundle.json"), JSON.stringify(info, null, 4) + "\n");
const files = fs.readdirSync(libs, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length;
console.log(`bundled/libs: asyncguide for Python ${pythonVersions.join(", ")} on ${base.platform} (libcst ${libcst}), ${files} files`);
