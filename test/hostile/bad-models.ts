/**
 * Hostile and broken model folders: one row each, made from a real model in a fresh
 * folder. The corpus grows by a row per finding; bad-models.test.ts runs every row
 * through what `biascope audit`, `explain` and serve's open-model read first (the model's
 * identity for the cache) and through loading, and expects a specific error, fast.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const TFJS_MODEL = path.resolve('test/fixtures/planted/cue-model');
const ONNX_MODEL = path.resolve('resources/demo/model-onnx');

export interface BadModel {
  name: string;
  /** Makes the model in `dir` (empty, fresh) and returns the path to open. */
  make(dir: string): string;
  /** The error's kind and what its message must say. */
  kind: 'model-not-found' | 'model-invalid' | 'config-invalid';
  message: RegExp;
  /** Text the message must not contain (a file's contents). */
  secret?: string;
}

/** A copy of the small planted-cue tfjs model; `edit` changes its model.json. */
function tfjsModel(dir: string, edit?: (json: { weightsManifest: { paths: unknown }[] } & Record<string, unknown>) => void): string {
  for (const file of ['model.json', 'weights.bin', 'biascope.json']) copyFileSync(path.join(TFJS_MODEL, file), path.join(dir, file));
  const file = path.join(dir, 'model.json');
  if (edit) {
    const json = JSON.parse(readFileSync(file, 'utf8'));
    edit(json);
    writeFileSync(file, JSON.stringify(json));
  }
  return file;
}

const fifo = (file: string) => execFileSync('mkfifo', [file]);

export const BAD_MODELS: BadModel[] = [
  {
    name: 'a weight shard named ../../../../dev/zero',
    make: (dir) => tfjsModel(dir, (json) => (json.weightsManifest[0]!.paths = ['../../../../../../../../dev/zero'])),
    kind: 'model-invalid',
    message: /weight shard .*dev\/zero is outside the folder/,
  },
  {
    name: 'a weight shard that is a symlink to /dev/zero',
    make: (dir) => {
      const file = tfjsModel(dir);
      rmSync(path.join(dir, 'weights.bin'));
      symlinkSync('/dev/zero', path.join(dir, 'weights.bin'));
      return file;
    },
    kind: 'model-invalid',
    message: /weights\.bin is outside the folder .* \(it resolves to \/dev\/zero\)/,
  },
  {
    name: 'a weight shard that is a FIFO',
    make: (dir) => {
      const file = tfjsModel(dir);
      rmSync(path.join(dir, 'weights.bin'));
      fifo(path.join(dir, 'weights.bin'));
      return file;
    },
    kind: 'model-invalid',
    message: /weights\.bin is not a regular file/,
  },
  {
    name: 'a weight shard that is a folder',
    make: (dir) => {
      mkdirSync(path.join(dir, 'shards'));
      return tfjsModel(dir, (json) => (json.weightsManifest[0]!.paths = ['shards']));
    },
    kind: 'model-invalid',
    message: /shards is a folder, not a file/,
  },
  {
    name: 'a weight shard of 8 GB (sparse) where the manifest describes a few KB',
    make: (dir) => {
      const file = tfjsModel(dir);
      truncateSync(path.join(dir, 'weights.bin'), 8e9);
      return file;
    },
    kind: 'model-invalid',
    message: /weights\.bin holds 8\.0 GB, more than the \d+ KB it may/,
  },
  {
    name: 'a weight shard that does not exist',
    make: (dir) => tfjsModel(dir, (json) => (json.weightsManifest[0]!.paths = ['gone.bin'])),
    kind: 'model-invalid',
    message: /gone\.bin does not exist/,
  },
  {
    name: 'a manifest whose paths is not a list',
    make: (dir) => tfjsModel(dir, (json) => (json.weightsManifest[0]!.paths = 'weights.bin')),
    kind: 'model-invalid',
    message: /weightsManifest\[0\]: field "paths" must list the weight files by name/,
  },
  {
    name: 'model.json that is a FIFO',
    make: (dir) => {
      fifo(path.join(dir, 'model.json'));
      return path.join(dir, 'model.json');
    },
    kind: 'model-invalid',
    message: /model\.json is not a regular file/,
  },
  {
    name: '/dev/zero given as the model',
    make: () => '/dev/zero',
    kind: 'model-invalid',
    message: /\/dev\/zero is not a regular file/,
  },
  {
    name: 'model.json of 100 MB (sparse)',
    make: (dir) => {
      const file = path.join(dir, 'model.json');
      writeFileSync(file, '{');
      truncateSync(file, 100e6);
      return file;
    },
    kind: 'model-invalid',
    message: /model\.json holds 100 MB, more than the 67 MB it may/,
  },
  {
    name: 'a text file that is not JSON (its contents are not echoed)',
    make: (dir) => {
      writeFileSync(path.join(dir, 'model.json'), 'password=hunter2\n');
      return path.join(dir, 'model.json');
    },
    kind: 'model-invalid',
    message: /model\.json is not a TensorFlow\.js model\.json: it is not JSON$/,
    secret: 'hunter2',
  },
  {
    name: 'broken JSON (its contents are not echoed)',
    make: (dir) => {
      writeFileSync(path.join(dir, 'model.json'), '{"modelTopology": {"secret": "hunter2" ');
      return path.join(dir, 'model.json');
    },
    kind: 'model-invalid',
    message: /model\.json is not valid JSON \((it ends too early|a syntax error at byte \d+)\)$/,
    secret: 'hunter2',
  },
  {
    name: 'an ONNX model named model.json',
    make: (dir) => {
      copyFileSync(path.join(ONNX_MODEL, 'model.onnx'), path.join(dir, 'model.json'));
      return path.join(dir, 'model.json');
    },
    kind: 'model-invalid',
    message: /it looks like an ONNX model: give it a name ending in \.onnx/,
  },
  {
    name: 'an .onnx model that is a FIFO',
    make: (dir) => {
      fifo(path.join(dir, 'model.onnx'));
      return path.join(dir, 'model.onnx');
    },
    kind: 'model-invalid',
    message: /model\.onnx is not a regular file/,
  },
  {
    name: 'a sidecar biascope.json that is a FIFO',
    make: (dir) => {
      const file = tfjsModel(dir);
      rmSync(path.join(dir, 'biascope.json'));
      fifo(path.join(dir, 'biascope.json'));
      return file;
    },
    kind: 'config-invalid',
    message: /biascope\.json is not a regular file/,
  },
  {
    name: 'a sidecar asking for a 4000x4000 input',
    make: (dir) => {
      const file = tfjsModel(dir);
      const sidecar = JSON.parse(readFileSync(path.join(dir, 'biascope.json'), 'utf8'));
      writeFileSync(path.join(dir, 'biascope.json'), JSON.stringify({ ...sidecar, inputSize: [4000, 4000] }));
      return file;
    },
    kind: 'config-invalid',
    message: /inputSize\.0: at most 2048 pixels a side/,
  },
];
