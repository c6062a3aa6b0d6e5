// An audit worker that fails on purpose, driven by BIASCOPE_FAULT (JSON):
// { "mode": "throw" | "exit" | "hang" | "kill-process", "contents": [ids], "once": "<marker file>" | null }.
// kill-process ends the whole process with SIGKILL, as a crash in native code would.
// A task holding one of the contents throws (or ends its thread, or never answers); with `once`, only
// the first time (a marker file remembers it across threads), so the retry succeeds.
import { existsSync, writeFileSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const { default: explainTask } = await import('../../src/main/jobs/worker.ts');
const fault = JSON.parse(process.env.BIASCOPE_FAULT ?? '{}');

export default async function faultyTask(task) {
  const hit = task.images.some((image) => (fault.contents ?? []).includes(image.contentId));
  if (hit && !(fault.once && existsSync(fault.once))) {
    if (fault.once) writeFileSync(fault.once, 'failed once');
    if (fault.mode === 'exit') process.exit(3);
    if (fault.mode === 'kill-process') process.kill(process.pid, 'SIGKILL');
    if (fault.mode === 'hang') await new Promise(() => setInterval(() => undefined, 1000));
    throw new Error(`injected failure for contents ${fault.contents.join(', ')}`);
  }
  return explainTask(task);
}
