// Cases of the conformance suite the emulator does not pass today, each with why. The suite skips
// exactly these (their titles carry the reason); every other case is claimed and must pass.
// Run `CONFORMANCE_ALL=1 npx vitest run test/conformance` to see which of these pass by now, and
// move those out of this list.
export const UNCLAIMED: Record<string, string> = {
};
