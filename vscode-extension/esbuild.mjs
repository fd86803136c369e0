// Bundles src/extension.ts and its dependencies into dist/extension.js (`vscode` is provided by
// VS Code). `--production` minifies and leaves out the source map.
import * as esbuild from "esbuild";

const production = process.argv.includes("--production");

await esbuild.build({
    entryPoints: ["src/extension.ts"],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["vscode"],
    outfile: "dist/extension.js",
    minify: production,
    sourcemap: !production,
    logLevel: "info",
});
