import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";

import { PROBES_KEPT, ProbeCache, probeKey, probeStamp } from "../common/probeCache";

describe("ProbeCache", () => {
    let folder: string;
    let interpreter: string;
    let bundleInfo: string;

    beforeEach(() => {
        folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "asyncguide-probes-")));
        interpreter = path.join(folder, "python3.12");
        fs.writeFileSync(interpreter, "#!/bin/sh\n", { mode: 0o755 });
        bundleInfo = path.join(folder, "bundle.json");
        fs.writeFileSync(bundleInfo, "{}");
    });

    afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

    const storage = () => path.join(folder, "storage", "probes.json");
    const key = () => probeKey(interpreter, "useBundled", "/ext/asyncguide-0.1.0");

    it("answers from another instance (another window) while the interpreter is unchanged", () => {
        const stamp = probeStamp(interpreter, bundleInfo);
        assert.ok(stamp !== undefined);
        new ProbeCache(storage()).set(key(), stamp, '{"version": [3, 12, 1]}');
        assert.equal(new ProbeCache(storage()).get(key(), probeStamp(interpreter, bundleInfo)!), '{"version": [3, 12, 1]}');
    });

    it("follows a symlink to the interpreter it names", () => {
        const link = path.join(folder, "python3");
        fs.symlinkSync(interpreter, link);
        assert.equal(probeStamp(link, bundleInfo)?.interpreter, interpreter);
    });

    it("does not answer once the interpreter or the bundle changed", () => {
        const cache = new ProbeCache(storage());
        cache.set(key(), probeStamp(interpreter, bundleInfo)!, "answer");
        fs.writeFileSync(interpreter, "#!/bin/sh\n# another build\n");
        assert.equal(cache.get(key(), probeStamp(interpreter, bundleInfo)!), undefined);

        cache.set(key(), probeStamp(interpreter, bundleInfo)!, "answer");
        const later = new Date(Date.now() + 5000);
        fs.utimesSync(bundleInfo, later, later); // the extension reinstalled
        assert.equal(cache.get(key(), probeStamp(interpreter, bundleInfo)!), undefined);
    });

    it("keys answers by interpreter, import strategy and extension", () => {
        const cache = new ProbeCache(storage());
        const stamp = probeStamp(interpreter, bundleInfo)!;
        cache.set(key(), stamp, "bundled");
        assert.equal(cache.get(probeKey(interpreter, "fromEnvironment", "/ext/asyncguide-0.1.0"), stamp), undefined);
        assert.equal(cache.get(probeKey(interpreter, "useBundled", "/ext/asyncguide-0.2.0"), stamp), undefined);
        assert.equal(cache.get(key(), stamp), "bundled");
    });

    it("forgets an answer", () => {
        const cache = new ProbeCache(storage());
        const stamp = probeStamp(interpreter, bundleInfo)!;
        cache.set(key(), stamp, "answer");
        cache.forget(key());
        assert.equal(cache.get(key(), stamp), undefined);
    });

    it("keeps the newest answers only", () => {
        const cache = new ProbeCache(storage());
        const stamp = probeStamp(interpreter, bundleInfo)!;
        for (let index = 0; index <= PROBES_KEPT; index++) {
            cache.set(probeKey(`/python${index}`, "useBundled", "/ext"), stamp, `answer ${index}`);
        }
        assert.equal(cache.get(probeKey("/python0", "useBundled", "/ext"), stamp), undefined);
        assert.equal(cache.get(probeKey(`/python${PROBES_KEPT}`, "useBundled", "/ext"), stamp), `answer ${PROBES_KEPT}`);
        assert.equal(Object.keys(JSON.parse(fs.readFileSync(storage(), "utf-8")) as object).length, PROBES_KEPT);
    });

    it("caches nothing for a command that is not a file, and reads a damaged file as empty", () => {
        assert.equal(probeStamp("python3-not-a-path", bundleInfo), undefined);
        assert.equal(probeStamp(folder, bundleInfo), undefined);
        fs.mkdirSync(path.dirname(storage()), { recursive: true });
        fs.writeFileSync(storage(), "{not json");
        const cache = new ProbeCache(storage());
        assert.equal(cache.get(key(), probeStamp(interpreter, bundleInfo)!), undefined);
        cache.set(key(), probeStamp(interpreter, bundleInfo)!, "answer");
        assert.equal(cache.get(key(), probeStamp(interpreter, bundleInfo)!), "answer");
    });
});
