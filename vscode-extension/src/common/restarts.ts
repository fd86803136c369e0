// How often a crashed server is started again: a few times, then not until the user asks, so a
// server that dies at once does not loop.

export const MAX_RESTARTS = 4;
export const RESTART_WINDOW_MS = 3 * 60 * 1000;

export class RestartBudget {
    private readonly restarts: number[] = [];

    constructor(
        private readonly now: () => number = Date.now,
        readonly maxRestarts: number = MAX_RESTARTS,
        readonly windowMs: number = RESTART_WINDOW_MS,
    ) {}

    /** Whether the server may be restarted after a crash now; counts the restart when it may. */
    allow(): boolean {
        const now = this.now();
        while (this.restarts.length > 0 && now - this.restarts[0] > this.windowMs) {
            this.restarts.shift();
        }
        if (this.restarts.length >= this.maxRestarts) {
            return false;
        }
        this.restarts.push(now);
        return true;
    }
}

export function gaveUpMessage(budget: RestartBudget): string {
    const minutes = Math.round(budget.windowMs / 60000);
    return (
        `The asyncguide server stopped unexpectedly ${budget.maxRestarts + 1} times in ${minutes} minutes, so it was not started again. ` +
        "Its log is in the Output panel (asyncguide); run \"asyncguide: Restart Server\" once the cause is fixed."
    );
}
