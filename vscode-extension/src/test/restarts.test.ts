import * as assert from "node:assert/strict";
import { describe, it } from "node:test";

import { gaveUpMessage, RestartBudget } from "../common/restarts";

describe("RestartBudget", () => {
    it("allows a few restarts, then none until the window has passed", () => {
        let now = 0;
        const budget = new RestartBudget(() => now, 3, 1000);
        const allowed = [0, 500, 900].map((time) => {
            now = time;
            return budget.allow();
        });
        assert.deepEqual(allowed, [true, true, true]);
        now = 999;
        assert.equal(budget.allow(), false);
        now = 1001; // the first restart (at 0) has left the window
        assert.equal(budget.allow(), true);
        assert.equal(budget.allow(), false);
    });

    it("does not count refused restarts", () => {
        let now = 0;
        const budget = new RestartBudget(() => now, 1, 1000);
        assert.equal(budget.allow(), true);
        now = 500;
        assert.equal(budget.allow(), false);
        now = 1001;
        assert.equal(budget.allow(), true);
    });

    it("says how many stops it took and where the log is", () => {
        const message = gaveUpMessage(new RestartBudget(Date.now, 4, 180_000));
        assert.match(message, /5 times in 3 minutes/);
        assert.match(message, /Output panel \(asyncguide\)/);
        assert.match(message, /asyncguide: Restart Server/);
    });
});
