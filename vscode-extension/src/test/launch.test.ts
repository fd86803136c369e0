import * as assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";

import { bundledLibs, chooseExecutable, executableLaunch, serverLaunch } from "../common/launch";

const EXTENSION = path.join(path.sep, "ext", "asyncguide-0.1.0");

describe("serverLaunch", () => {
    it("runs the server module with the chosen interpreter", () => {
        const launch = serverLaunch("/usr/bin/python3", "fromEnvironment", EXTENSION, {});
        assert.equal(launch.command, "/usr/bin/python3");
        assert.deepEqual(launch.args, ["-m", "asyncguide.server.cli", "serve"]);
    });

    it("puts the bundled libraries first on PYTHONPATH with useBundled", () => {
        const launch = serverLaunch("python3", "useBundled", EXTENSION, { PYTHONPATH: "/mine", HOME: "/home/dev" }, ":");
        assert.equal(launch.env.PYTHONPATH, `${bundledLibs(EXTENSION)}:/mine`);
        assert.equal(launch.env.HOME, "/home/dev");
        assert.equal(bundledLibs(EXTENSION), path.join(EXTENSION, "bundled", "libs"));
    });

    it("sets PYTHONPATH to the bundled libraries alone when it was unset", () => {
        assert.equal(serverLaunch("python3", "useBundled", EXTENSION, {}).env.PYTHONPATH, bundledLibs(EXTENSION));
    });

    it("leaves PYTHONPATH as it is with fromEnvironment", () => {
        assert.equal(serverLaunch("python3", "fromEnvironment", EXTENSION, { PYTHONPATH: "/mine" }).env.PYTHONPATH, "/mine");
        assert.equal("PYTHONPATH" in serverLaunch("python3", "fromEnvironment", EXTENSION, {}).env, false);
    });
});

describe("asyncguide.path", () => {
    it("runs the first configured executable that exists, with `serve`", () => {
        const exists = (file: string) => file === "/venv/bin/asyncguide";
        assert.equal(chooseExecutable(["/nope/asyncguide", "/venv/bin/asyncguide"], exists), "/venv/bin/asyncguide");
        assert.equal(chooseExecutable(["/nope/asyncguide"], exists), undefined);
        const launch = executableLaunch("/venv/bin/asyncguide", { HOME: "/home/dev" });
        assert.deepEqual([launch.command, launch.args, launch.env.HOME], ["/venv/bin/asyncguide", ["serve"], "/home/dev"]);
    });
});
