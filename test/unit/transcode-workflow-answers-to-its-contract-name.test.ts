import { describe, expect, it } from 'vitest';
import { transcodeWorkflowType, type TranscodeVideoWorkflow } from '../../contracts/transcode.ts';
import * as workflows from '../../transcoder/src/workflows.ts';

describe('the transcode workflow contract', () => {
  it('names a workflow the transcoder exports, with the signature the origin starts it with', () => {
    // Temporal registers each exported function under its export name; the origin starts by this name only.
    const byName: Record<string, unknown> = workflows;
    expect(typeof byName[transcodeWorkflowType]).toBe('function');
    const typed: TranscodeVideoWorkflow = workflows.transcodeVideo; // fails to type-check if the signature drifts
    expect(byName[transcodeWorkflowType]).toBe(typed);
  });
});
