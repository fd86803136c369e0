// The probe's answers, kept across windows and sessions (in the extension's global storage), so a
// window starts the server without first starting the interpreter to ask it what it is. An answer
// is used while the interpreter's file and the extension's bundle are the ones it was asked with
// (`ProbeStamp`); a server that does not start with a cached answer has it forgotten (server.ts).

import * as fs from "node:fs";
import * as path from "node:path";

import type { ImportStrategy } from "./settings";

/** Answers kept; past this many, the oldest go. */
export const PROBES_KEPT = 32;

/** What an answer depends on besides its key: the interpreter's file (where its symlinks lead, when it
 *  last changed, its size) and when the bundle was written (a reinstalled extension). */
export interface ProbeStamp {
    interpreter: string;
    mtimeMs: number;
    size: number;
    bundleMtimeMs: number;
}

interface Entry {
    stamp: ProbeStamp;
    stdout: string;
}

/** The interpreter and bundle as they are now; undefined when the interpreter is not a file that can
 *  be looked at (a bare command name): its answers are then never cached. */
export function probeStamp(interpreter: string, bundleInfoFile: string): ProbeStamp | undefined {
    try {
        const real = fs.realpathSync(interpreter);
        const stat = fs.statSync(real);
        if (!stat.isFile()) {
            return undefined;
        }
        let bundleMtimeMs = 0;
        try {
            bundleMtimeMs = fs.statSync(bundleInfoFile).mtimeMs;
        } catch {
            // no bundle: the answer is about the interpreter's environment only
        }
        return { interpreter: real, mtimeMs: stat.mtimeMs, size: stat.size, bundleMtimeMs };
    } catch {
        return undefined;
    }
}

/** The question a probe answers: this command, with this import strategy, for this installed extension. */
export function probeKey(interpreter: string, strategy: ImportStrategy, extensionPath: string): string {
    return JSON.stringify([interpreter, strategy, extensionPath]);
}

const sameStamp = (a: ProbeStamp, b: ProbeStamp): boolean =>
    a.interpreter === b.interpreter && a.mtimeMs === b.mtimeMs && a.size === b.size && a.bundleMtimeMs === b.bundleMtimeMs;

/** Probe answers in one JSON file (`file`), read and written whole: windows share it, the last
 *  writer wins, and a file that cannot be read or written only means probing again. */
export class ProbeCache {
    constructor(private readonly file: string) {}

    get(key: string, stamp: ProbeStamp): string | undefined {
        const entry: Partial<Entry> | undefined = this.read()[key];
        return entry?.stamp !== undefined && typeof entry.stdout === "string" && sameStamp(entry.stamp, stamp) ? entry.stdout : undefined;
    }

    set(key: string, stamp: ProbeStamp, stdout: string): void {
        const entries = this.read();
        delete entries[key]; // re-inserted last: the newest
        entries[key] = { stamp, stdout };
        const keys = Object.keys(entries);
        for (const old of keys.slice(0, Math.max(0, keys.length - PROBES_KEPT))) {
            delete entries[old];
        }
        this.write(entries);
    }

    forget(key: string): void {
        const entries = this.read();
        if (key in entries) {
            delete entries[key];
            this.write(entries);
        }
    }

    private read(): Record<string, Entry> {
        try {
            const value: unknown = JSON.parse(fs.readFileSync(this.file, "utf-8"));
            return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, Entry>) : {};
        } catch {
            return {};
        }
    }

    private write(entries: Record<string, Entry>): void {
        try {
            fs.mkdirSync(path.dirname(this.file), { recursive: true });
            // written aside and renamed: another window never reads half a file
            const aside = `${this.file}.${process.pid}.tmp`;
            fs.writeFileSync(aside, JSON.stringify(entries));
            fs.renameSync(aside, this.file);
        } catch {
            // not kept: the next start probes again
        }
    }
}
