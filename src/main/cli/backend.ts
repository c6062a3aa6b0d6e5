/**
 * Starts a TensorFlow.js backend for a command without letting tfjs write to
 * stdout, which carries results only.
 */
import { describeBackend, initBackend, isTfjsNodeHint, type BackendInfo, type BackendName } from '../engine/backend';
import { tf } from '../engine/tf';

const NOT_INSTALLED = /Cannot find (package|module)/;

type ConsoleMethod = (...args: unknown[]) => void;

/** Runs `fn` with console.log/warn going to stderr and the tfjs banner dropped. */
async function withConsoleOnStderr<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, warn: console.warn };
  const toStderr: ConsoleMethod = (...args) => {
    if (isTfjsNodeHint(args)) return;
    saved.warn(...args);
  };
  console.log = toStderr;
  console.warn = toStderr;
  try {
    return await fn();
  } finally {
    console.log = saved.log;
    console.warn = saved.warn;
  }
}

export async function startBackend(prefer: BackendName | undefined, log: (line: string) => void): Promise<BackendInfo> {
  // Native TensorFlow (tfjs-node) logs CPU feature notes to stderr unless told not to.
  process.env['TF_CPP_MIN_LOG_LEVEL'] ??= '2';
  const info = await withConsoleOnStderr(async () => {
    const started = await initBackend(prefer);
    // The first tensor is what triggers backend greetings: create it here, quietly.
    tf.tidy(() => tf.scalar(0).dataSync());
    return started;
  });
  // tfjs-node is optional and usually absent: only a backend that failed otherwise is news.
  for (const skipped of info.skipped) {
    if (!NOT_INSTALLED.test(skipped.reason)) log(`backend ${skipped.name} unavailable: ${skipped.reason}`);
  }
  log(`backend: ${describeBackend(info)}`);
  return info;
}
