// The harness's contract check (every request to /api is a PostHog operation) must be able to fail.
import { expect, it } from 'vitest';
import { api, emulator } from './harness.ts';

it('closing the emulator refuses a request PostHog has no operation for (the removed explicit_members)', async () => {
  const emu = await emulator();
  await api(emu, 'GET', '/api/projects/1/explicit_members/');
  await expect(emu.close()).rejects.toThrow('requests PostHog has no operation for: GET /api/projects/1/explicit_members/');
});
